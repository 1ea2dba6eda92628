/**
 * DELETE /v1/service_token/{service_token_id} (src/surfaces/braintrust/service-token/delete-service-token.ts),
 * with its twin DELETE /v1/service_token taking the id in the body (delete-service-token-by-body.ts):
 * the tests here use both.
 */
import { describe, expect, it } from "vitest";
import { authStatus, orgWithServiceAccount as org, sendServiceToken as create } from "../../../helpers/braintrust";
import { call } from "../../../helpers/http";

describe("DELETE /v1/service_token/{id}", () => {
  it("deletes by path or by body, answering the deleted token, which stops working at once", async () => {
    const o = await org();
    const a = await create(o.ownerKey, { name: "a", service_account_id: o.account.id });
    const b = await create(o.ownerKey, { name: "b", service_account_id: o.account.id });
    const byPath = await call("DELETE", `/v1/service_token/${a.body.id}`, { token: o.ownerKey });
    expect(byPath.status).toBe(200);
    expect(byPath.body).toMatchObject({ id: a.body.id, name: "a", service_account_id: o.account.id });
    const byBody = await call("DELETE", "/v1/service_token", { token: o.ownerKey, body: { id: b.body.id } });
    expect(byBody.status).toBe(200);
    expect(byBody.body.id).toBe(b.body.id);
    expect(await authStatus(a.body.key)).toBe(401);
    expect(await authStatus(b.body.key)).toBe(401);
    expect((await call("DELETE", `/v1/service_token/${a.body.id}`, { token: o.ownerKey })).status).toBe(404);
  });

  it("refuses members (403) and other orgs (404), leaving the token working", async () => {
    const o = await org();
    const other = await org();
    const t = await create(o.ownerKey, { name: "t", service_account_id: o.account.id });
    const byMember = await call("DELETE", `/v1/service_token/${t.body.id}`, { token: o.memberKey });
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/owner/);
    expect((await call("DELETE", "/v1/service_token", { token: other.ownerKey, body: { id: t.body.id } })).status).toBe(404);
    expect(await authStatus(t.body.key)).toBe(200);
  });
});
