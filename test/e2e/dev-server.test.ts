/** What `npm run dev` promises: the admin token given with --var works, and the service answers. */
import { describe, expect, inject, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../../scripts/local-worker.mjs";
import { baseUrl } from "./helpers";

describe("npm run dev", () => {
  it("starts with the admin token given as --var and serves docs", async () => {
    const wrong = await fetch(`${baseUrl()}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: "Bearer not-the-token", "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "x", email: "x@example.com" }),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${baseUrl()}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "dev-check", email: "dev@example.com" }),
    });
    expect(right.status).toBe(200);
    const doc = await (await fetch(`${baseUrl()}/openapi.json`)).json();
    expect(doc.paths["/v1/api_key"]).toBeDefined();
  });
});

it("serves /docs and its Swagger UI files from the Worker itself, at the pinned version", async () => {
  const page = await fetch(`${baseUrl()}/docs`);
  expect(page.status).toBe(200);
  const html = await page.text();
  // Its three files (and an empty inline icon, which asks nothing).
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => ref !== "data:,");
  expect(refs.length).toBe(3);
  for (const ref of refs) {
    expect(ref.startsWith("/docs-assets/"), ref).toBe(true);
    const file = await fetch(`${baseUrl()}${ref}`);
    expect(file.status, ref).toBe(200);
    expect((await file.text()).length, ref).toBeGreaterThan(ref.endsWith("init.js") ? 50 : 10_000);
  }
  const bundle = await (await fetch(`${baseUrl()}/docs-assets/swagger-ui-bundle.js`)).text();
  // the files are the pinned version's, byte for byte
  const pinned = readFileSync(join(root, "node_modules", "swagger-ui-dist", "swagger-ui-bundle.js"), "utf8");
  expect(bundle).toBe(pinned);
  expect(bundle).toContain("SwaggerUIBundle");
});
