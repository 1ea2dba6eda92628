/**
 * GET /v1/service_token/{service_token_id} (src/surfaces/braintrust/service-token/get-service-token.ts).
 */
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org, sendServiceToken as create } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";

describe("GET /v1/service_token/{id}", () => {
  it("gets a token of the caller's org, and answers 404 for another org's or a missing one", async () => {
    const o = await org();
    const other = await org();
    const mine = await create(o.ownerKey, { name: "mine", service_account_id: o.account.id });
    const theirs = await create(other.ownerKey, { name: "theirs", service_account_id: other.account.id });
    const got = await call("GET", `/v1/service_token/${mine.body.id}`, { token: o.memberKey });
    expect(got.status).toBe(200);
    const { key, ...withoutKey } = mine.body;
    expect(got.body).toEqual(withoutKey);
    expect(key).toBeDefined();
    for (const id of [theirs.body.id, MISSING]) {
      const res = await call("GET", `/v1/service_token/${id}`, { token: o.ownerKey });
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(`Service token "${id}" not found`);
    }
    expect((await call("GET", "/v1/service_token/123", { token: o.ownerKey })).status).toBe(400);
  });
});
