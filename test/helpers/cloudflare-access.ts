/** Helpers for the Cloudflare surface's Access applications and policies (integration tests). */
import { expect } from "vitest";
import { account, cf } from "./cloudflare";
import { bootstrap, call, giveHost, unique } from "./http";

export type Account = Awaited<ReturnType<typeof accessAccount>>;

/** A fresh account with its owner key and the apps and policies base paths under the SDK prefix. */
export async function accessAccount() {
  const a = await account();
  const root = `/client/v4/accounts/${a.org.account_id}/access`;
  return { ...a, apps: `${root}/apps`, policies: `${root}/policies` };
}

/** A host no other test uses, given by the operator to `owner`'s account. */
export const host = (owner: { org: { account_id: string } }, stem = "app") =>
  giveHost(`${unique(stem)}.example.test`, owner.org.account_id);

export const tokenRule = (id: string) => ({ service_token: { token_id: id } });
export const TOKEN_ID = "0190f3a0-1111-7000-8000-000000000001";

/** A valid policy body. */
export const policyBody = (more: Record<string, unknown> = {}) => ({
  name: "deploy bots",
  decision: "non_identity",
  include: [tokenRule(TOKEN_ID)],
  ...more,
});

export async function createPolicy(a: Account, more: Record<string, unknown> = {}) {
  const res = await cf("POST", a.policies, { token: a.key, body: policyBody(more) });
  expect(res.status, res.text).toBe(201);
  return res.body.result as { id: string; [k: string]: unknown };
}

export async function createApp(a: Account, more: Record<string, unknown> = {}) {
  const res = await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", domain: host(a), ...more } });
  expect(res.status, res.text).toBe(201);
  return res.body.result as {
    id: string;
    aud: string;
    domain: string;
    policies: { id: string; precedence: number; [k: string]: unknown }[];
    [k: string]: unknown;
  };
}

/** Expects a 400 in the envelope, at `pointer`, with `message` in the text. */
export async function expectRefused(
  a: Account,
  method: string,
  path: string,
  body: unknown,
  pointer: string,
  message?: string | RegExp,
  code = 10001,
) {
  const res = await cf(method, path, { token: a.key, body });
  const what = `${method} ${JSON.stringify(body).slice(0, 200)}`;
  expect(res.status, what).toBe(400);
  expect(res.body.errors[0], what).toMatchObject({ code, source: { pointer } });
  if (message) expect(res.body.errors[0].message, what).toMatch(message);
  return res;
}

/** A 400 with no field to point at (a rule about the request as a whole). */
export async function expectRefusedWhole(a: Account, method: string, path: string, body: unknown, message: RegExp) {
  const res = await cf(method, path, { token: a.key, body });
  expect(res.status, res.text).toBe(400);
  expect(res.body.errors[0].source).toBeUndefined();
  expect(res.body.errors[0].message).toMatch(message);
  return res;
}

/** A member (not owner) of `a`'s account, with their own key. */
export async function memberOf(a: Account) {
  const m = await bootstrap({ email: `${unique("m")}@example.com` });
  const invited = await call("PATCH", "/v1/organization/members", { token: a.key, body: { invite_users: { emails: [m.user.email] } } });
  expect(invited.status, invited.text).toBe(200);
  return m.api_key.key;
}

export interface AuditEvent {
  action: string;
  target_type: string;
  target_id: string;
  changes: Record<string, unknown>;
}

/** The account's audit events, oldest first. */
export async function auditEvents(a: Account): Promise<AuditEvent[]> {
  const res = await call<{ objects: AuditEvent[] }>("GET", "/v1/audit_events?limit=1000", { token: a.key });
  expect(res.status, res.text).toBe(200);
  return res.body.objects.reverse();
}

export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
