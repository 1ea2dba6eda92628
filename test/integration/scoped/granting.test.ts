/**
 * Granting a policy: on every create and update of both surfaces, validated
 * (400 naming the field), returned on get and list, audited with before and
 * after, and never more than the grantor holds (no escalation; attenuation).
 */
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount } from "../../helpers/braintrust";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { bootstrap, call } from "../../helpers/http";
import { from, scopedKey } from "../../helpers/scoped";

const POLICY = {
  permissions: ["api_keys:read"],
  ip_allowlist: ["192.0.2.0/24"],
  rate_limit: { limit: 100, window_seconds: 60 },
  credits: { remaining: 10000, refill: { amount: 10000, interval_seconds: 86400 } },
};

describe("the CI key of the issue", () => {
  it("reads API keys only, only from its runners' range, with its limit and credits, as created, listed and got", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, POLICY, "ci");
    expect(k).toMatchObject(POLICY);
    const listed = await call("GET", "/v1/api_key?api_key_name=ci", { token: o.api_key.key });
    expect(listed.body.objects[0]).toMatchObject(POLICY);
    const ci = (method: string, path: string, body?: unknown) => from("192.0.2.50", method, path, { token: k.key, body });
    const read = await ci("GET", "/v1/api_key");
    expect(read.status).toBe(200);
    expect(read.headers.get("RateLimit")).toMatch(/^"credential";r=99;/);
    const write = await ci("POST", "/v1/api_key", { name: "more" });
    expect(write.status).toBe(403);
    expect(write.body.message).toContain("api_keys:write");
    expect((await ci("GET", "/v1/service_token")).status).toBe(403);
    expect((await from("198.51.100.1", "GET", "/v1/api_key", { token: k.key })).status).toBe(403);
  });
});

describe("validation", () => {
  it("400s an unknown permission naming it, and bad limits and credits naming the field", async () => {
    const o = await bootstrap();
    const post = (body: Record<string, unknown>) => call("POST", "/v1/api_key", { token: o.api_key.key, body: { name: "x", ...body } });
    const unknown = await post({ permissions: ["api_keys:read", "keys:everything"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('permissions[1]: unknown permission "keys:everything"');
    expect((await post({ rate_limit: { limit: 0, window_seconds: 60 } })).body.message).toContain("rate_limit.limit");
    expect((await post({ credits: { remaining: -1 } })).body.message).toContain("credits.remaining");
    expect((await post({ credits: { remaining: 1, refill: { amount: 1, interval_seconds: 5 } } })).body.message).toContain(
      "credits.refill.interval_seconds",
    );
    expect((await post({ ip_allowlist: Array.from({ length: 65 }, (_, i) => `10.0.0.${i}`) })).status).toBe(400);
  });
});

describe("no escalation", () => {
  it("a member cannot grant what a member cannot do; an owner can", async () => {
    const o = await orgWithServiceAccount();
    const member = await call("POST", "/v1/api_key", {
      token: o.memberKey,
      body: { name: "x", org_name: o.orgName, permissions: ["members:write"] },
    });
    expect(member.status).toBe(403);
    expect(member.body.message).toContain("Cannot grant the permission members:write");
    expect(
      (await call("POST", "/v1/api_key", { token: o.memberKey, body: { name: "x", org_name: o.orgName, permissions: ["api_keys:read"] } }))
        .status,
    ).toBe(200);
    // An owner holds every permission, so may grant any.
    expect((await call("POST", "/v1/api_key", { token: o.ownerKey, body: { name: "x", permissions: ["members:write"] } })).status).toBe(
      200,
    );
  });

  it("a scoped key creates only narrower keys: a subset of its permissions, inside its allowlist; omitted, they are inherited", async () => {
    const o = await bootstrap();
    const parent = await scopedKey(o.api_key.key, { permissions: ["api_keys:read", "api_keys:write"], ip_allowlist: ["192.0.2.0/24"] });
    const create = (body: Record<string, unknown>) =>
      from("192.0.2.1", "POST", "/v1/api_key", { token: parent.key, body: { name: "child", ...body } });
    const wider = await create({ permissions: ["api_keys:write", "service_tokens:read"] });
    expect(wider.status).toBe(403);
    expect(wider.body.message).toContain("service_tokens:read");
    const outside = await create({ ip_allowlist: ["192.0.0.0/16"] });
    expect(outside.status).toBe(403);
    expect(outside.body.message).toContain("ip_allowlist");
    const inherited = await create({});
    expect(inherited.status).toBe(200);
    expect(inherited.body).toMatchObject({ permissions: ["api_keys:read", "api_keys:write"], ip_allowlist: ["192.0.2.0/24"] });
    const narrower = await create({ permissions: ["api_keys:read"], ip_allowlist: ["192.0.2.128/25"] });
    expect(narrower.status).toBe(200);
    // Nor may it lift a limit on an update, or widen itself.
    const lift = await from("192.0.2.1", "PATCH", `/v1/api_key/${narrower.body.id}`, { token: parent.key, body: { permissions: null } });
    expect(lift.status).toBe(403);
    const widen = await from("192.0.2.1", "PATCH", `/v1/api_key/${parent.id}`, {
      token: parent.key,
      body: { permissions: ["api_keys:write", "audit:read"] },
    });
    expect(widen.status).toBe(403);
  });

  it("service tokens (PUT and members PATCH) and Access tokens take a policy, attenuated the same way", async () => {
    const o = await orgWithServiceAccount();
    const put = await call("PUT", "/v1/service_token", {
      token: o.ownerKey,
      body: { name: "svc", service_account_id: o.account.id, permissions: ["identity"] },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.permissions).toEqual(["identity"]);
    const patched = await call("PATCH", `/v1/service_token/${put.body.id}`, { token: o.ownerKey, body: { credits: { remaining: 5 } } });
    expect(patched.body).toMatchObject({ permissions: ["identity"], credits: { remaining: 5, refill: null } });
    const members = await call("PATCH", "/v1/organization/members", {
      token: o.ownerKey,
      body: { invite_users: { service_accounts: [{ name: "bot", token_name: "first", ip_allowlist: ["2001:db8::/32"] }] } },
    });
    expect(members.status, members.text).toBe(200);
    const token = members.body.added_users[0].api_key;
    expect((await from("2001:db8::1", "GET", "/cdn-cgi/access/get-identity", { token })).status).toBe(200);
    expect((await from("2001:db9::1", "GET", "/cdn-cgi/access/get-identity", { token })).status).toBe(403);

    const a = await account();
    const scoped = await scopedKey(a.key, { permissions: ["access:write", "access:read"] });
    const t = await cf("POST", a.base, { token: scoped.key, body: { name: "edge", permissions: ["identity", "audit:read"] } });
    expect(t.status).toBe(403);
    const ok = await createToken(
      { key: scoped.key, base: a.base },
      { name: "edge", permissions: ["access:read"], rate_limit: { limit: 5, window_seconds: 1 } },
    );
    expect(ok).toMatchObject({ permissions: ["access:read"], rate_limit: { limit: 5, window_seconds: 1 } });
    const updated = await cf("PUT", `${a.base}/${ok.id}`, { token: a.key, body: { ip_allowlist: ["::ffff:203.0.113.9"] } });
    expect(updated.body.result).toMatchObject({ ip_allowlist: ["203.0.113.9"], permissions: ["access:read"] });
    const headers = { "CF-Access-Client-Id": ok.client_id, "CF-Access-Client-Secret": ok.client_secret };
    expect((await from("203.0.113.9", "GET", "/cdn-cgi/access/get-identity", { headers })).status).toBe(403); // no `identity`
  });
});

describe("audit", () => {
  it("records every policy change with before and after", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { permissions: ["api_keys:read"] });
    await call("PATCH", `/v1/api_key/${k.id}`, {
      token: o.api_key.key,
      body: { permissions: ["api_keys:read", "identity"], rate_limit: { limit: 9, window_seconds: 9 } },
    });
    const events = await call("GET", `/v1/audit_events?target_id=${k.id}`, { token: o.api_key.key });
    expect(events.status, events.text).toBe(200);
    const [update, create] = events.body.objects;
    expect(create).toMatchObject({ action: "api_key.create", changes: { policy: { permissions: ["api_keys:read"] } } });
    expect(update).toMatchObject({
      action: "api_key.update",
      changes: {
        policy: {
          before: { permissions: ["api_keys:read"], rate_limit: null },
          after: { permissions: ["api_keys:read", "identity"], rate_limit: { limit: 9, window_seconds: 9 } },
        },
      },
    });
  });
});
