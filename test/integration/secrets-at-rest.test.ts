import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { bootstrap, call, dumpDatabase } from "../helpers/http";

it("stores no raw key, nor its secret part, in any table", async () => {
  const issued: string[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await bootstrap();
    issued.push(b.api_key.key);
    for (let j = 0; j < 3; j++) {
      const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: `k${j}` } });
      issued.push(res.body.key);
    }
  }
  const dump = await dumpDatabase();
  expect(dump.length).toBeGreaterThan(1000); // the dump really holds the rows
  for (const key of issued) {
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(25, 58)); // the 33-character secret
  }
  // what is stored is a 32-byte digest per credential
  const { results } = await env.DB.prepare("SELECT length(secret_hash) AS n, hash_version AS v FROM credentials").all<{ n: number; v: number }>();
  expect(results.length).toBeGreaterThanOrEqual(issued.length);
  for (const row of results) expect(row).toEqual({ n: 32, v: 1 });
});
