/** Service-auth helpers: an org with an Access token, and calls to get-identity. */
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
