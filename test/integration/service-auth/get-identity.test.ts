/**
 * GET /cdn-cgi/access/get-identity (src/surfaces/service-auth/router.ts, getIdentityRoute).
 * The keys its assertions verify against are in certs.test.ts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { identityOf } from "../../../src/auth/service-auth";
import { servicesFor } from "../../../src/services";
import { cf, inMinutes } from "../../helpers/cloudflare";
import { call, callWithEnv } from "../../helpers/http";
import { clientHeaders, IDENTITY, identity, orgWithToken, verifyAssertion } from "../../helpers/service-auth";
import { eventually, updateCredentialRow } from "../../helpers/homes";

describe("GET /cdn-cgi/access/get-identity with an Access service token", () => {
  it("answers the identity and a signed assertion that verifies against /cdn-cgi/access/certs", async () => {
    const o = await orgWithToken({ name: "billing-client" });
    const res = await identity(clientHeaders(o.token.client_id, o.token.client_secret));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: o.token.id,
      credential_kind: "access_token",
      name: "billing-client",
      common_name: o.token.client_id,
      client_id: o.token.client_id,
      account_id: o.org.account_id,
      org_id: o.org.id,
      principal: null,
      used_previous_secret: false,
    });
    const jwt = res.headers.get("cf-access-jwt-assertion")!;
    const claims = await verifyAssertion(jwt);
    expect(claims).toMatchObject({
      iss: "edgekeys",
      aud: [`edgekeys:account:${o.org.account_id}`],
      sub: o.token.id,
      common_name: o.token.client_id,
      type: "app",
      account_id: o.org.account_id,
      org_id: o.org.id,
      credential_kind: "access_token",
    });
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
  });

  it("signs with the configured issuer and lifetime; the audience stays the credential's account", async () => {
    const o = await orgWithToken();
    const res = await identity(clientHeaders(o.token.client_id, o.token.client_secret), {
      JWT_ISSUER: "https://team.example",
      JWT_AUDIENCE: "my-app",
      JWT_TTL_SECONDS: "60",
    });
    const claims = await verifyAssertion(res.headers.get("cf-access-jwt-assertion")!);
    // JWT_AUDIENCE is the gateway's audience: get-identity never mints assertions for it.
    expect(claims).toMatchObject({ iss: "https://team.example", aud: [`edgekeys:account:${o.org.account_id}`] });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it("takes neither issuer nor audience from the Host header or the request URL", async () => {
    const o = await orgWithToken();
    const res = await identity({
      ...clientHeaders(o.token.client_id, o.token.client_secret),
      Host: "gateway.example",
      "X-Forwarded-Host": "gateway.example",
    });
    const claims = await verifyAssertion(res.headers.get("cf-access-jwt-assertion")!);
    expect(claims.iss).toBe("edgekeys");
    expect(claims.aud).toEqual([`edgekeys:account:${o.org.account_id}`]);
    expect(JSON.stringify(claims)).not.toContain("edgekeys.test");
  });

  it("refuses a JWT_AUDIENCE in the per-account namespace (it would let get-identity mint gateway assertions)", async () => {
    const o = await orgWithToken();
    const res = await identity(clientHeaders(o.token.client_id, o.token.client_secret), {
      JWT_AUDIENCE: `edgekeys:account:${o.org.account_id}`,
    });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/JWT_AUDIENCE/);
  });

  it("produces assertions that fail verification when tampered with or expired", async () => {
    const o = await orgWithToken();
    const jwt = (await identity(clientHeaders(o.token.client_id, o.token.client_secret))).headers.get("cf-access-jwt-assertion")!;
    const [h, p, s] = jwt.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, account_id: "f".repeat(32) }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    await expect(verifyAssertion(`${h}.${forged}.${s}`)).rejects.toThrow();
    await expect(verifyAssertion(`${h}.${p}.${s!.slice(0, -2)}AA`)).rejects.toThrow();
    const who = identityOf(
      await servicesFor(env).auth.authenticate(
        () => ({ kind: "client", clientId: o.token.client_id, secret: o.token.client_secret }),
        null,
      ),
    );
    const old = await servicesFor(env)
      .signer()
      .sign(who, `edgekeys:account:${o.org.account_id}`, Date.now() - 3_600_000);
    await expect(verifyAssertion(old)).rejects.toThrow(/expired/i);
  });

  it("takes the single JSON header when SERVICE_AUTH_HEADER names it, and only then", async () => {
    const o = await orgWithToken();
    const value = JSON.stringify({ "cf-access-client-id": o.token.client_id, "cf-access-client-secret": o.token.client_secret });
    const on = { SERVICE_AUTH_HEADER: "X-Service-Auth" };
    expect((await identity({ "X-Service-Auth": value }, on)).status).toBe(200);
    expect((await identity({ "X-Service-Auth": value })).status).toBe(401); // off by default
    for (const bad of [
      "not json",
      "null",
      JSON.stringify({ "CF-Access-Client-Id": o.token.client_id, "CF-Access-Client-Secret": o.token.client_secret }),
    ]) {
      const res = await identity({ "X-Service-Auth": bad }, on);
      expect(res.status, bad).toBe(401);
      expect(res.body.message).toMatch(/X-Service-Auth must be JSON/);
    }
  });

  it("takes Bearer API keys and Braintrust service tokens, naming their owner", async () => {
    const o = await orgWithToken();
    const res = await identity({ Authorization: `Bearer ${o.key}` });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: o.api_key.id,
      credential_kind: "api_key",
      client_id: null,
      principal: { id: o.user.id, kind: "user", email: o.user.email },
    });
    const claims = await verifyAssertion(res.headers.get("cf-access-jwt-assertion")!);
    expect(claims).toMatchObject({ sub: o.api_key.id, email: o.user.email, credential_kind: "api_key" });
  });
});

describe("service-auth failures: strict, never a redirect", () => {
  const expectRefused = async (res: Awaited<ReturnType<typeof identity>>, status: number, message?: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.headers.get("location")).toBeNull();
    expect(res.headers.get("cf-access-jwt-assertion")).toBeNull();
    expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
    if (message) expect(res.body.message).toMatch(message);
  };

  it("answers 401 to missing, malformed, unknown and wrong credentials", async () => {
    const o = await orgWithToken();
    const { client_id: id, client_secret: secret } = o.token;
    const other = "0".repeat(64);
    await expectRefused(await identity({}), 401, /Missing credentials/);
    await expectRefused(await identity({ "CF-Access-Client-Id": id }), 401);
    await expectRefused(await identity({ "CF-Access-Client-Secret": secret }), 401);
    await expectRefused(await identity(clientHeaders("nope.access", secret)), 401);
    await expectRefused(await identity(clientHeaders(id, "short")), 401);
    await expectRefused(await identity(clientHeaders(`${"a".repeat(32)}.access`, secret)), 401, /Invalid service token/);
    await expectRefused(await identity(clientHeaders(id, other)), 401, /Invalid service token/);
    await expectRefused(await identity({ Authorization: "Bearer sk-garbage" }), 401);
  });

  it("answers 403 saying why for a disabled or expired token, but only to a caller that proved the secret", async () => {
    const o = await orgWithToken();
    const { client_id: id, client_secret: secret } = o.token;
    await cf("PUT", `${o.base}/${o.token.id}`, { token: o.key, body: { enabled: false } });
    await expectRefused(await identity(clientHeaders(id, secret)), 403, /disabled/);
    await expectRefused(await identity(clientHeaders(id, "0".repeat(64))), 401, /^Invalid service token$/);
    await cf("PUT", `${o.base}/${o.token.id}`, { token: o.key, body: { enabled: true } });
    await updateCredentialRow(o.token.id, { expires_at: Date.now() - 1 });
    await expectRefused(await identity(clientHeaders(id, secret)), 403, /expired/);
    await expectRefused(await identity(clientHeaders(id, "0".repeat(64))), 401, /^Invalid service token$/);
    // an expired API key presented as Bearer: 403 too
    const key = await call("POST", "/v1/api_key", { token: o.key, body: { name: "k", expires_at: inMinutes(1) } });
    await updateCredentialRow(key.body.id, { expires_at: Date.now() - 1 });
    await expectRefused(await identity({ Authorization: `Bearer ${key.body.key}` }), 403, /expired/);
  });

  it("accepts the previous secret during its grace period, then refuses it", async () => {
    const o = await orgWithToken();
    const rotated = await cf("POST", `${o.base}/${o.token.id}/rotate`, {
      token: o.key,
      body: { previous_client_secret_expires_at: inMinutes(5) },
    });
    const old = await identity(clientHeaders(o.token.client_id, o.token.client_secret));
    expect(old.status).toBe(200);
    expect(old.body.used_previous_secret).toBe(true);
    const fresh = await identity(clientHeaders(o.token.client_id, rotated.body.result.client_secret));
    expect(fresh.body.used_previous_secret).toBe(false);
    await updateCredentialRow(o.token.id, { prev_expires_at: Date.now() - 1 });
    await expectRefused(await identity(clientHeaders(o.token.client_id, o.token.client_secret)), 401);
    // rotated away without grace: refused at once
    const again = await cf("POST", `${o.base}/${o.token.id}/rotate`, { token: o.key, body: {} });
    await expectRefused(await identity(clientHeaders(o.token.client_id, rotated.body.result.client_secret)), 401);
    expect((await identity(clientHeaders(o.token.client_id, again.body.result.client_secret))).status).toBe(200);
  });

  it("refuses a deleted token at once", async () => {
    const o = await orgWithToken();
    const headers = clientHeaders(o.token.client_id, o.token.client_secret);
    expect((await identity(headers)).status).toBe(200);
    await cf("DELETE", `${o.base}/${o.token.id}`, { token: o.key });
    await expectRefused(await identity(headers), 401);
  });

  it("answers 500 with a clear message when no signing key is configured", async () => {
    const o = await orgWithToken();
    const res = await identity(clientHeaders(o.token.client_id, o.token.client_secret), { JWT_PRIVATE_KEY: undefined });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/JWT_PRIVATE_KEY/);
    expect((await callWithEnv({ JWT_PRIVATE_KEY: undefined }, "GET", "/cdn-cgi/access/certs")).status).toBe(500);
  });
});

describe("last_seen_at", () => {
  it("costs D1 one write for the first use after an hour unused, none per request: a single read takes the exact time from the credential's home", async () => {
    // Every D1 write of a last-used time, whoever makes it, leaves a row here.
    await env.DB.exec("CREATE TABLE IF NOT EXISTS test_touches (id TEXT)");
    await env.DB.exec(
      "CREATE TRIGGER IF NOT EXISTS test_count_touches AFTER UPDATE OF last_used_at ON credentials WHEN NEW.last_used_at IS NOT NULL AND NEW.last_used_at > coalesce(OLD.last_used_at, 0) BEGIN INSERT INTO test_touches (id) VALUES (NEW.id); END",
    );
    const touches = async (id: string) =>
      (await env.DB.prepare("SELECT count(*) AS n FROM test_touches WHERE id = ?").bind(id).first<{ n: number }>())!.n;
    const o = await orgWithToken();
    const headers = clientHeaders(o.token.client_id, o.token.client_secret);
    const before = Date.now();
    for (let i = 0; i < 10; i++) expect((await identity(headers)).status).toBe(200);
    const after = Date.now();
    const seen = Date.parse((await cf("GET", `${o.base}/${o.token.id}`, { token: o.key })).body.result.last_seen_at);
    expect(seen).toBeGreaterThanOrEqual(before);
    expect(seen).toBeLessThanOrEqual(after);
    // The first of the ten (the token's first use) reaches D1 through the usage queue; the other nine
    // wait for the hourly report, so a list shows the first use while a single read shows the last.
    await eventually(async () => (await touches(o.token.id)) === 1, 15_000);
    const listed = (await cf("GET", o.base, { token: o.key })).body.result.find((t: { id: string }) => t.id === o.token.id);
    expect(Date.parse(listed.last_seen_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(listed.last_seen_at)).toBeLessThan(seen);
    expect(await touches(o.token.id)).toBe(1);
  });
});

it("keeps /cdn-cgi errors in plain JSON", async () => {
  const res = await call("GET", "/cdn-cgi/unknown");
  expect(res.status).toBe(404);
  expect(res.body.error).toBe("not_found");
  expect((await call("POST", IDENTITY)).status).toBe(405);
});
