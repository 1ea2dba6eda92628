/** Scoped-credential helpers: keys with a policy, and requests from a chosen address. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { call, type CallOptions } from "./http";

/** Creates an API key with `policy` (wire fields) using `key`; returns the answer's body with the raw key. */
export async function scopedKey(key: string, policy: Record<string, unknown>, name = "scoped") {
  const res = await call("POST", "/v1/api_key", { token: key, body: { name, ...policy } });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; key: string; [field: string]: unknown };
}

/** A call made from `ip` (CF-Connecting-IP). */
export const from = (ip: string, method: string, path: string, opts: CallOptions = {}) =>
  call(method, path, { ...opts, headers: { ...opts.headers, "CF-Connecting-IP": ip } });

/** Makes the key's home drop its record now (as a write's release does), so it re-reads D1. */
export async function releaseHome(credentialId: string) {
  const home = env.CREDENTIALS.get(env.CREDENTIALS.idFromName(`key:${credentialId}`));
  await home.release("");
}
