/** Cloudflare-surface helpers shared by the integration tests. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { DomainError } from "../../src/core/shared/errors";
import { servicesFor } from "../../src/services";
import { bootstrap, call, type CallOptions } from "./http";

/** A fresh account (org) with an owner key, and the service-token base path under the SDK prefix. */
export async function account() {
  const b = await bootstrap();
  return { ...b, key: b.api_key.key, base: `/client/v4/accounts/${b.org.account_id}/access/service_tokens` };
}

/** Calls and checks the envelope: success answers have no errors, failures carry at least one coded error. */
export async function cf(method: string, path: string, opts: CallOptions = {}) {
  const res = await call(method, path, opts);
  expect(res.headers.get("content-type"), res.text).toContain("application/json");
  if (res.status < 400) {
    expect(res.body).toMatchObject({ success: true, errors: [], messages: [] });
  } else {
    expect(res.body).toMatchObject({ success: false, messages: [], result: null });
    expect(res.body.errors.length).toBeGreaterThan(0);
    for (const e of res.body.errors) expect(Number.isInteger(e.code) && e.code >= 1000).toBe(true);
  }
  return res;
}

/** Creates a token and returns its wire object with the secret. */
export async function createToken(a: { key: string; base: string }, body: Record<string, unknown> = {}) {
  const res = await cf("POST", a.base, { token: a.key, body: { name: "svc", ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body.result as { id: string; client_id: string; client_secret: string; [k: string]: unknown };
}

/** "ok", or why the authentication pipeline refuses this client id and secret. */
export async function verify(clientId: string, secret: string): Promise<string> {
  try {
    await servicesFor(env).auth.authenticate(() => ({ kind: "client", clientId, secret }), null);
    return "ok";
  } catch (err) {
    if (err instanceof DomainError) return err.details.authFailure ?? err.code;
    throw err;
  }
}

export const HOUR = 3_600_000;
export const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
