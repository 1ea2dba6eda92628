/**
 * GET /accounts/{account_id}/access/service_tokens/{service_token_id}
 * (src/surfaces/cloudflare/service-token/get-service-token.ts).
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../../helpers/cloudflare";
import { MISSING } from "../../../helpers/http";

describe("GET .../access/service_tokens/{id}", () => {
  it("gets a token, and answers 404 for a missing one or another account's, 400 for a bad id", async () => {
    const a = await account();
    const b = await account();
    const mine = await createToken(a);
    const theirs = await createToken(b);
    const got = await cf("GET", `${a.base}/${mine.id}`, { token: a.key });
    const { client_secret, ...rest } = mine;
    expect(got.body.result).toEqual(rest);
    expect(client_secret).toBeDefined();
    for (const id of [MISSING, theirs.id]) {
      const res = await cf("GET", `${a.base}/${id}`, { token: a.key });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: 10006, message: `Access service token "${id}" not found` });
    }
    const bad = await cf("GET", `${a.base}/not-a-uuid`, { token: a.key });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe(10004);
  });
});
