// Setup file of every workers test file: captures what the Worker logs, and after the file
// checks that no secret issued during it is in any D1 table or any captured log line.
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
  if (issuedSecrets.size === 0) return;
  const dump = await dumpDatabase();
  const logs = logLines.join("\n");
  const leaked = [...issuedSecrets].filter((s) => dump.includes(secretCore(s)) || logs.includes(secretCore(s)));
  expect(leaked, "raw secrets found in D1 or in the logs").toEqual([]);
});
