// Setup file of every workers test file: captures what the Worker logs, and after the file
// checks that no secret issued during it is in any D1 table or any captured log line, and that
// no webhook delivery was attempted to a host other than 127.0.0.1 (tests talk to loopback only).
// Lines a test expects (test/helpers/expected-logs.ts) are captured too, but printed only if
// that test fails.
import { env } from "cloudflare:workers";
import { afterAll, afterEach, expect } from "vitest";
import { endExpectations, expected } from "./expected-logs";
import { dumpDatabase } from "./http";
import { issuedSecrets, logLines, secretCore } from "./secret-ledger";

// Files share one isolate (vitest's `isolate: false`): wrap the console once, not once per file.
const ORIGINAL = Symbol.for("edgekeys.test.console");
const state = globalThis as { [ORIGINAL]?: Pick<Console, "error"> };
if (!state[ORIGINAL]) {
  state[ORIGINAL] = { error: console.error.bind(console) };
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const print = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      const line = args
        .map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.message} ${a.stack}` : JSON.stringify(a)))
        .join(" ");
      logLines.push(line);
      if (!expected(line)) print(...args);
    };
  }
}

afterEach(({ task }) => {
  const swallowed = endExpectations();
  if (task.result?.state === "fail") for (const line of swallowed) state[ORIGINAL]!.error(`(expected) ${line}`);
});

afterAll(async () => {
  const { results: elsewhere } = await env.DB.prepare(
    `SELECT DISTINCT w.url FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhooks w ON w.id = d.webhook_id
     WHERE w.url NOT LIKE 'http://127.0.0.1:%'`,
  ).all<{ url: string }>();
  expect(
    elsewhere.map((r) => r.url),
    "webhook deliveries attempted outside 127.0.0.1",
  ).toEqual([]);
  // This file's secrets and log lines (the next file starts afresh, as it would in its own isolate).
  const secrets = [...issuedSecrets];
  const logs = logLines.join("\n");
  issuedSecrets.clear();
  logLines.length = 0;
  if (secrets.length === 0) return;
  const dump = await dumpDatabase();
  const leaked = secrets.filter((s) => dump.includes(secretCore(s)) || logs.includes(secretCore(s)));
  expect(leaked, "raw secrets found in D1 or in the logs").toEqual([]);
});
