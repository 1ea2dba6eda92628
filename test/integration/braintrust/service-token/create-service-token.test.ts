/**
 * POST /v1/service_token (src/surfaces/braintrust/service-token/create-service-token.ts).
 * The input checks are shared with PUT (replace-service-token.ts) and run on both here.
 */
import { describe, expect, it } from "vitest";
import { createServiceAccount, orgWithServiceAccount as org, sendServiceToken as create } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";

describe("POST /v1/service_token", () => {
  it("creates a token with every ServiceToken field, shown once, that authenticates as its service account", async () => {
    const o = await org();
    const res = await create(o.ownerKey, { name: "deploy", service_account_id: o.account.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      created: expect.any(String),
      name: "deploy",
      preview_name: `bt-st-****${res.body.key.slice(-4)}`,
      service_account_id: o.account.id,
      service_account_email: o.account.email,
      service_account_name: "robot",
      org_id: o.owner.org.id,
      expires_at: null,
      last_used_at: null,
      permissions: null,
      ip_allowlist: null,
      rate_limit: null,
      credits: null,
      key: expect.stringMatching(/^bt-st-[0-9A-Za-z]{61}$/),
    });
    // as Bearer, anywhere an API key is accepted: here it creates an API key of the service account's own
    const own = await call("POST", "/v1/api_key", { token: res.body.key, body: { name: "sa-key" } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ user_id: o.account.id, user_email: o.account.email, org_id: o.owner.org.id });
    const got = await call("GET", `/v1/service_token/${res.body.id}`, { token: res.body.key });
    expect(got.body.key).toBeUndefined();
  });

  it("requires an owner's credential: a member gets 403 saying so, an owner service token may", async () => {
    const o = await org();
    const res = await create(o.memberKey, { name: "x", service_account_id: o.account.id, org_name: o.orgName });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Creating service tokens requires an org owner/);
    const plainToken = await create(o.ownerKey, { name: "member-robot", service_account_id: o.account.id });
    expect((await create(plainToken.body.key, { name: "y", service_account_id: o.account.id })).status).toBe(403);
    const ownerRobot = await createServiceAccount(o.ownerKey, { token_name: "root", group_names: ["Owners"] });
    expect((await create(ownerRobot.api_key!, { name: "z", service_account_id: o.account.id })).status).toBe(200);
  });

  it("answers 404 for a service account of another org, a user, or nothing, and creates nothing", async () => {
    const o = await org();
    const other = await org();
    for (const id of [other.account.id, o.owner.user.id, MISSING]) {
      const res = await create(o.ownerKey, { name: "x", service_account_id: id });
      expect(res.status, id).toBe(404);
      expect(res.body.message).toBe(`Service account "${id}" not found`);
    }
    expect((await call("GET", "/v1/service_token", { token: o.ownerKey })).body.objects).toEqual([]);
    expect((await call("GET", "/v1/service_token", { token: other.ownerKey })).body.objects).toEqual([]);
  });

  it("refuses bad input naming the field", async () => {
    const o = await org();
    const cases: [Record<string, unknown>, string][] = [
      [{ service_account_id: o.account.id }, "name"],
      [{ name: "x" }, "service_account_id"],
      [{ name: "x", service_account_id: "nope" }, "service_account_id"],
      [{ name: 1, service_account_id: o.account.id }, "name"],
      [{ name: "x", service_account_id: o.account.id, expires_at: "2000-01-01T00:00:00Z" }, "expires_at"],
      [{ name: "x", service_account_id: o.account.id, org_name: false }, "org_name"],
    ];
    for (const method of ["POST", "PUT"]) {
      for (const [body, field] of cases) {
        const res = await create(o.ownerKey, body, method);
        expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.field).toBe(field);
      }
    }
    const huge = await create(o.ownerKey, { name: "x".repeat(70_000), service_account_id: o.account.id });
    expect(huge.status).toBe(413);
  });

  it("refuses names with NUL or lone surrogates, for tokens and for service accounts, and creates nothing", async () => {
    const o = await org();
    for (const name of ["a\u0000b", "a\ud800b"]) {
      for (const method of ["POST", "PUT"]) {
        const res = await create(o.ownerKey, { name, service_account_id: o.account.id }, method);
        expect(res.status, `${method} ${JSON.stringify(name)}`).toBe(400);
        expect(res.body).toMatchObject({ error: "invalid_request", field: "name" });
      }
      for (const [sa, field] of [
        [{ name }, "invite_users.service_accounts[0].name"],
        [{ name: "ok", token_name: name }, "invite_users.service_accounts[0].token_name"],
      ] as const) {
        const res = await call("PATCH", "/v1/organization/members", {
          token: o.ownerKey,
          body: { invite_users: { service_accounts: [sa] } },
        });
        expect(res.status, JSON.stringify(sa)).toBe(400);
        expect(res.body).toMatchObject({ error: "invalid_request", field });
      }
    }
    expect((await call("GET", "/v1/service_token", { token: o.ownerKey })).body.objects).toEqual([]);
  });
});
