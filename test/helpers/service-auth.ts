/** Service-auth helpers: an org with an Access token, and calls to get-identity. */
import { verify as verifyJwt } from "hono/jwt";
import { expect } from "vitest";
import { call, callWithEnv, type CallOptions } from "./http";
import { account, createToken } from "./cloudflare";

export const IDENTITY = "/cdn-cgi/access/get-identity";

export async function orgWithToken(body: Record<string, unknown> = {}) {
  const a = await account();
  const token = await createToken(a, body);
  return { ...a, token };
}

export const clientHeaders = (clientId: string, secret: string) => ({
  "CF-Access-Client-Id": clientId,
  "CF-Access-Client-Secret": secret,
});

/** GET get-identity with these headers (and env overrides, when given). */
export function identity(headers: Record<string, string>, env?: Parameters<typeof callWithEnv>[0]) {
  const opts: CallOptions = { headers };
  return env ? callWithEnv(env, "GET", IDENTITY, opts) : call("GET", IDENTITY, opts);
}

/** The published signing keys (GET /cdn-cgi/access/certs). */
export async function jwks() {
  const res = await call("GET", "/cdn-cgi/access/certs");
  expect(res.status).toBe(200);
  return res.body.keys as (JsonWebKey & { kid: string; alg: string })[];
}

/** Verifies a JWT against the published keys, choosing by kid as a relying party would. */
export async function verifyAssertion(jwt: string) {
  const [header] = jwt.split(".");
  const { kid } = JSON.parse(atob(header!.replace(/-/g, "+").replace(/_/g, "/")));
  const key = (await jwks()).find((k) => k.kid === kid);
  if (!key) throw new Error(`no key ${kid}`);
  return verifyJwt(jwt, key as Parameters<typeof verifyJwt>[1], "ES256");
}
