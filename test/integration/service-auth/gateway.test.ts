import { env } from "cloudflare:workers";
import { verify as verifyJwt } from "hono/jwt";
import { describe, expect, inject, it } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { call, callWithEnv, type CallOptions } from "../../helpers/http";
import { clientHeaders, orgWithToken } from "../../helpers/service-auth";

const gatewayEnv = (accountId: string, origin = inject("originUrl")) => ({ ORIGIN_URL: origin, GATEWAY_ACCOUNT_ID: accountId });

const through = (accountId: string, method: string, path: string, opts: CallOptions = {}, origin?: string) =>
  callWithEnv(gatewayEnv(accountId, origin), method, path, opts);

const publicKey = () => {
  const { d: _d, ...pub } = JSON.parse(env.JWT_PRIVATE_KEY!);
  return pub;
};

describe("gateway mode", () => {
  it("forwards method, path, query and body with the assertion and client id, and without secrets", async () => {
    const o = await orgWithToken();
    const res = await through(o.org.account_id, "POST", "/orders/42?expand=items&x=1", {
      headers: { ...clientHeaders(o.token.client_id, o.token.client_secret), "X-Custom": "kept", "Content-Type": "text/plain" },
      rawBody: "hello origin",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("x-origin")).toBe("echo");
    const seen = res.body;
    expect(seen).toMatchObject({ method: "POST", url: "/orders/42?expand=items&x=1", body: "hello origin" });
    expect(seen.headers["x-custom"]).toBe("kept");
    expect(seen.headers["cf-access-client-id"]).toBe(o.token.client_id);
    expect(seen.headers["cf-access-client-secret"]).toBeUndefined();
    expect(seen.headers.authorization).toBeUndefined();
    const claims = await verifyJwt(seen.headers["cf-access-jwt-assertion"], publicKey(), "ES256");
    expect(claims).toMatchObject({ common_name: o.token.client_id, sub: o.token.id, account_id: o.org.account_id });
  });

  it("passes the origin's status and body back unchanged, and bodies larger than the API's limit", async () => {
    const o = await orgWithToken();
    const headers = clientHeaders(o.token.client_id, o.token.client_secret);
    const teapot = await through(o.org.account_id, "GET", "/brew", { headers: { ...headers, "x-echo-status": "418" } });
    expect(teapot.status).toBe(418);
    expect(teapot.body.url).toBe("/brew");
    const big = "x".repeat(200_000);
    const upload = await through(o.org.account_id, "PUT", "/upload", { headers, rawBody: big });
    expect(upload.status).toBe(200);
    expect(upload.body.body.length).toBe(big.length);
  });

  it("lets Bearer credentials of the gateway's org through, stripped; strips the JSON header too", async () => {
    const o = await orgWithToken();
    const res = await through(o.org.account_id, "GET", "/x", { token: o.key });
    expect(res.status).toBe(200);
    expect(res.body.headers.authorization).toBeUndefined();
    expect(res.body.headers["cf-access-client-id"]).toBeUndefined();
    const value = JSON.stringify({ "cf-access-client-id": o.token.client_id, "cf-access-client-secret": o.token.client_secret });
    const json = await callWithEnv({ ...gatewayEnv(o.org.account_id), SERVICE_AUTH_HEADER: "X-Svc" }, "GET", "/y", {
      headers: { "X-Svc": value },
    });
    expect(json.status).toBe(200);
    expect(json.body.headers["x-svc"]).toBeUndefined();
  });

  it("refuses credentials of another account (403), none or bad ones (401), without reaching the origin", async () => {
    const o = await orgWithToken();
    const stranger = await account();
    const theirs = await createToken(stranger);
    const other = await through(o.org.account_id, "GET", "/x", { headers: clientHeaders(theirs.client_id, theirs.client_secret) });
    expect(other.status).toBe(403);
    expect(other.headers.get("x-origin")).toBeNull();
    expect((await through(o.org.account_id, "GET", "/x")).status).toBe(401);
    const wrong = await through(o.org.account_id, "GET", "/x", { headers: clientHeaders(o.token.client_id, "1".repeat(64)) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("x-origin")).toBeNull();
  });

  it("keeps edgekeys' own paths for itself", async () => {
    const o = await orgWithToken();
    const own = await through(o.org.account_id, "GET", "/v1/api_key", { headers: clientHeaders(o.token.client_id, o.token.client_secret) });
    expect(own.status).toBe(401); // the Braintrust surface answered, not the origin
    expect(own.headers.get("x-origin")).toBeNull();
    expect((await through(o.org.account_id, "GET", "/healthz")).text).toBe("ok");
    expect((await through(o.org.account_id, "PUT", "/v1/api_key", { token: o.key, body: {} })).status).toBe(405);
  });

  it("answers 502 when the origin cannot be reached", async () => {
    const o = await orgWithToken();
    const res = await through(
      o.org.account_id,
      "GET",
      "/x",
      { headers: clientHeaders(o.token.client_id, o.token.client_secret) },
      "http://127.0.0.1:1",
    );
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: "bad_gateway", message: expect.stringMatching(/origin did not answer/) });
  });

  it("is off without ORIGIN_URL, and refuses ORIGIN_URL without GATEWAY_ACCOUNT_ID: a served host needs an owner", async () => {
    expect((await call("GET", "/some/path")).status).toBe(404);
    const ownerless = await callWithEnv({ ORIGIN_URL: inject("originUrl") }, "GET", "/x");
    expect(ownerless.status).toBe(500);
    expect(ownerless.body).toMatchObject({ error: "misconfigured", message: expect.stringMatching(/set GATEWAY_ACCOUNT_ID/) });
    expect(ownerless.headers.get("x-origin")).toBeNull();
  });
});
