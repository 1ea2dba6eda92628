/**
 * PUT /v1/service_token (src/surfaces/braintrust/service-token/replace-service-token.ts):
 * create, or replace every token of that name. Its input checks are in
 * create-service-token.test.ts.
 */
import { describe, expect, it } from "vitest";
import { authStatus, createServiceAccount, orgWithServiceAccount as org, sendServiceToken as create } from "../../../helpers/braintrust";
import { call } from "../../../helpers/http";

describe("PUT /v1/service_token", () => {
  it("creates when the name is new, and replaces by name: the old secret stops working at once", async () => {
    const o = await org();
    const first = await create(o.ownerKey, { name: "ci", service_account_id: o.account.id }, "PUT");
    expect(first.status, first.text).toBe(200);
    expect(await authStatus(first.body.key)).toBe(200);
    const other = await createServiceAccount(o.ownerKey, { name: "robot-2" });
    const second = await create(o.ownerKey, { name: "ci", service_account_id: other.id }, "PUT");
    expect(second.status).toBe(200);
    expect(second.body.service_account_id).toBe(other.id);
    expect(second.body.key).not.toBe(first.body.key);
    expect(await authStatus(first.body.key)).toBe(401);
    expect(await authStatus(second.body.key)).toBe(200);
    const named = await call("GET", "/v1/service_token?service_token_name=ci", { token: o.ownerKey });
    expect(named.body.objects.map((t: { id: string }) => t.id)).toEqual([second.body.id]);
  });

  it("replaces every token of that name, including duplicates made by POST, and only in the caller's org", async () => {
    const o = await org();
    const other = await org();
    const dupes = [
      await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }),
      await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }),
    ];
    const foreign = await create(other.ownerKey, { name: "dup", service_account_id: other.account.id });
    const put = await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }, "PUT");
    for (const d of dupes) expect(await authStatus(d.body.key)).toBe(401);
    expect(await authStatus(put.body.key)).toBe(200);
    expect(await authStatus(foreign.body.key)).toBe(200);
  });

  it("leaves the old token intact when the replacement is refused", async () => {
    const o = await org();
    const other = await org();
    const old = await create(o.ownerKey, { name: "keep", service_account_id: o.account.id }, "PUT");
    const refused = await create(o.ownerKey, { name: "keep", service_account_id: other.account.id }, "PUT");
    expect(refused.status).toBe(404);
    const byMember = await create(o.memberKey, { name: "keep", service_account_id: o.account.id, org_name: o.orgName }, "PUT");
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/Replacing service tokens requires an org owner/);
    expect(await authStatus(old.body.key)).toBe(200);
  });

  it("ends two concurrent PUTs of one name with exactly one token, and exactly one working secret", async () => {
    const o = await org();
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const [a, b] = await Promise.all([
        create(o.ownerKey, { name, service_account_id: o.account.id }, "PUT"),
        create(o.ownerKey, { name, service_account_id: o.account.id }, "PUT"),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const listed = await call("GET", `/v1/service_token?service_token_name=${name}`, { token: o.ownerKey });
      expect(listed.body.objects).toHaveLength(1);
      const working = [await authStatus(a.body.key), await authStatus(b.body.key)].filter((s) => s === 200);
      expect(working).toHaveLength(1);
      expect([a.body.id, b.body.id]).toContain(listed.body.objects[0].id);
    }
  });
});
