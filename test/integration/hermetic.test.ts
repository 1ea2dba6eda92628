/**
 * The Worker under test sees wrangler.toml's vars and the bindings of vitest.config.ts, and
 * nothing else: not the developer's `.dev.vars` or `.env` (which `npm run dev` writes), nor the
 * shell's environment. `.ci/run` runs the suite with both planted, full of other values.
 */
import { env } from "cloudflare:workers";
import { expect, inject, it } from "vitest";

it("has only the configured vars and secrets, with their configured values", () => {
  // The pool's own marker aside (`__VITEST_POOL_WORKERS_…`).
  const strings = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => typeof value === "string" && !name.startsWith("__VITEST_POOL_WORKERS_")),
  );
  expect(strings).toEqual(inject("workerVars"));
});
