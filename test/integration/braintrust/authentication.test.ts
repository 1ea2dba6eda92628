/**
 * Bearer authentication on /v1 (src/auth/bearer.ts, applied in src/surfaces/braintrust/router.ts):
 * API keys and service tokens, refused when malformed, unknown, expired or orphaned.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintToken } from "../../../src/core/credentials/tokens";
import { uuidv7 } from "../../../src/core/shared/ids";
import { authStatus, orgWithServiceAccount as org, sendServiceToken as create } from "../../helpers/braintrust";
import { bootstrap, call, callWithEnv, countingDb } from "../../helpers/http";
import { updateCredentialRow, writeThrough } from "../../helpers/homes";
import { countingNamespace } from "../../helpers/ratelimit";

describe("Bearer authentication on /v1", () => {
  it("answers 401 with a JSON error for missing and malformed Authorization headers", async () => {
    const { api_key } = await bootstrap();
    const headers = [undefined, "", "Bearer", "Bearer ", `Basic ${api_key.key}`, `Token ${api_key.key}`, `Bearer ${api_key.key} extra`];
    for (const header of headers) {
      const res = await call("GET", "/v1/api_key", { headers: header === undefined ? {} : { Authorization: header } });
      expect(res.status, String(header)).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.body.error).toBe("unauthenticated");
      expect(res.body.message).toMatch(/Authorization|API key/);
    }
    // the scheme is case-insensitive
    expect((await call("GET", "/v1/api_key", { headers: { Authorization: `bearer ${api_key.key}` } })).status).toBe(200);
  });

  it("refuses a token with a bad checksum before any D1 read or any call to a credential's home", async () => {
    const { api_key } = await bootstrap();
    const flipped = api_key.key.slice(0, -1) + (api_key.key.endsWith("a") ? "b" : "a");
    const counted = countingDb(env.DB);
    const homes = countingNamespace(env.CREDENTIALS);
    const overrides = { DB: counted.db, CREDENTIALS: homes.binding };
    for (const token of [flipped, "sk-short", "not-even-a-prefix", `bt-st-${"0".repeat(61)}`]) {
      const res = await callWithEnv(overrides, "GET", "/v1/api_key", { token });
      expect(res.status, token).toBe(401);
      expect(res.headers.get("www-authenticate"), token).toBe('Bearer realm="edgekeys"');
    }
    expect(counted.statements).toEqual([]);
    expect(homes.names).toEqual([]);
    // and a well-formed token does go to its home (the wrappers see real traffic)
    await callWithEnv(overrides, "GET", "/v1/api_key", { token: api_key.key });
    expect(homes.names).toEqual([`key:${api_key.id}`]);
  });

  it("answers 401 for well-formed tokens that are unknown or carry the wrong secret", async () => {
    const { api_key } = await bootstrap();
    const unknown = mintToken("api_key", uuidv7()).token;
    // a correctly formed token naming a real key but with another secret
    const forged = mintToken("api_key", api_key.id).token;
    // a service-token-shaped token naming an API key's id
    const wrongKind = mintToken("service_token", api_key.id).token;
    for (const token of [unknown, forged, wrongKind]) {
      const res = await call("GET", "/v1/api_key", { token });
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/^Invalid (API key|Service token)$/);
    }
  });

  it("refuses an expired key", async () => {
    const b = await bootstrap();
    const created = await call("POST", "/v1/api_key", {
      token: b.api_key.key,
      body: { name: "short-lived", expires_at: new Date(Date.now() + 60_000).toISOString() },
    });
    expect((await call("GET", "/v1/api_key", { token: created.body.key })).status).toBe(200);
    // move its expiry into the past rather than wait a minute
    await updateCredentialRow(created.body.id, { expires_at: Date.now() - 1 });
    const res = await call("GET", "/v1/api_key", { token: created.body.key });
    expect(res.status).toBe(401);
    expect(res.body.message).toBe("API key has expired");
  });

  it("refuses a key whose owner is no longer a member of its org", async () => {
    const b = await bootstrap();
    // another owner first: an org's last owner cannot lose their membership at all
    const invite = { invite_users: { emails: [`${b.user.id}-co@example.com`], group_names: ["Owners"] } };
    expect((await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: invite })).status).toBe(200);
    await writeThrough([b.api_key.id], "DELETE FROM memberships WHERE principal_id = ?", b.user.id);
    expect((await call("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(401);
  });

  it("refuses an expired token", async () => {
    const o = await org();
    const res = await create(o.ownerKey, {
      name: "short",
      service_account_id: o.account.id,
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await authStatus(res.body.key)).toBe(200);
    await updateCredentialRow(res.body.id, { expires_at: Date.now() - 1 });
    const refused = await call("GET", "/v1/api_key", { token: res.body.key });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe("Service token has expired");
  });

  it("answers 500 with a clear message when TOKEN_PEPPER is missing, without touching storage", async () => {
    const { api_key } = await bootstrap();
    const res = await callWithEnv({ TOKEN_PEPPER: undefined }, "GET", "/v1/api_key", { token: api_key.key });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: "misconfigured", message: expect.stringContaining("TOKEN_PEPPER") });
  });
});
