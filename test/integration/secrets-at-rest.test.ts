import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { createServiceAccount } from "../helpers/braintrust";
import { bootstrap, call, dumpDatabase } from "../helpers/http";

it("stores no raw key or token, nor its secret part, in any table", async () => {
  const issued: string[] = [];
  const orgs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await bootstrap();
    orgs.push(b.org.id);
    issued.push(b.api_key.key);
    for (let j = 0; j < 3; j++) {
      const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: `k${j}` } });
      issued.push(res.body.key);
    }
    const account = await createServiceAccount(b.api_key.key, { token_name: "first" });
    issued.push(account.api_key!);
    for (const method of ["POST", "PUT", "PUT"]) {
      const res = await call(method, "/v1/service_token", { token: b.api_key.key, body: { name: "t", service_account_id: account.id } });
      issued.push(res.body.key);
    }
  }
  const dump = await dumpDatabase();
  expect(dump.length).toBeGreaterThan(1000); // the dump really holds the rows
  for (const key of issued) {
    expect(dump).not.toContain(key);
    const prefix = key.startsWith("bt-st-") ? 6 : 3;
    expect(dump).not.toContain(key.slice(prefix + 22, prefix + 55)); // the 33-character secret
  }
  // what is stored is a 32-byte digest per credential (of these orgs: other files' rows share the database)
  const { results } = await env.DB.prepare(
    "SELECT length(secret_hash) AS n, hash_version AS v FROM credentials WHERE org_id IN (?1, ?2, ?3)",
  )
    .bind(...orgs)
    .all<{ n: number; v: number }>();
  // per org: 4 API keys, the first token, and one "t" (the PUTs replaced the POSTed one and each other)
  expect(results.length).toBe(3 * 6);
  for (const row of results) expect(row).toEqual({ n: 32, v: 1 });
});
