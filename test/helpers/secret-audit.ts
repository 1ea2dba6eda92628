// Setup file of every workers test file: captures what the Worker logs, and after the file
// checks that no secret issued during it is in any D1 table or any captured log line, and that
// no webhook delivery was attempted to a host other than 127.0.0.1 (tests talk to loopback only).
import { env } from "cloudflare:workers";
import { afterAll, expect } from "vitest";
import { dumpDatabase } from "./http";
import { issuedSecrets, logLines, secretCore } from "./secret-ledger";

for (const level of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[level].bind(console);
  console[level] = (...args: unknown[]) => {
    logLines.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.message} ${a.stack}` : JSON.stringify(a))).join(" "));
    original(...args);
  };
}

afterAll(async () => {
  const { results: elsewhere } = await env.DB.prepare(
    `SELECT DISTINCT w.url FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN webhooks w ON w.id = d.webhook_id
     WHERE w.url NOT LIKE 'http://127.0.0.1:%'`,
  ).all<{ url: string }>();
  expect(elsewhere.map((r) => r.url), "webhook deliveries attempted outside 127.0.0.1").toEqual([]);
  if (issuedSecrets.size === 0) return;
  const dump = await dumpDatabase();
  const logs = logLines.join("\n");
  const leaked = [...issuedSecrets].filter((s) => dump.includes(secretCore(s)) || logs.includes(secretCore(s)));
  expect(leaked, "raw secrets found in D1 or in the logs").toEqual([]);
});
