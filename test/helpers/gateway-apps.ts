/** Helpers for the gateway with Access applications: hosts, applications, policies and calls through ORIGINS hosts. */
import { createLocalJWKSet, jwtVerify } from "jose";
import { expect } from "vitest";
import { cf } from "./cloudflare";
import { type CallOptions, callWithEnv, giveHost, isGivenHost, unique } from "./http";
import { jwks } from "./service-auth";

/** A host no other test uses, given by the operator to `owner`'s account. */
export const newHost = (owner: { org: { account_id: string } }) => giveHost(`${unique("app")}.test`, owner.org.account_id);

/** The apps base path of an account, under the SDK's prefix. */
export const appsBase = (accountId: string) => `/client/v4/accounts/${accountId}/access/apps`;
export const policiesBase = (accountId: string) => `/client/v4/accounts/${accountId}/access/policies`;

type Rule = Record<string, Record<string, string>>;

/** An inline policy body. */
export const policy = (decision: string, include: Rule[], more: { require?: Rule[]; exclude?: Rule[]; name?: string } = {}) => ({
  name: more.name ?? `${decision} policy`,
  decision,
  include,
  require: more.require ?? [],
  exclude: more.exclude ?? [],
});

export const serviceToken = (id: string) => ({ service_token: { token_id: id } });
export const anyToken = { any_valid_service_token: {} };
export const everyone = { everyone: {} };
export const ip = (range: string) => ({ ip: { ip: range } });

/** Creates a self-hosted application through the API and returns its wire object. */
export async function createApp(
  a: { key: string; org: { account_id: string } },
  domain: string,
  policies: unknown[],
  more: Record<string, unknown> = {},
) {
  const res = await cf("POST", appsBase(a.org.account_id), {
    token: a.key,
    body: { type: "self_hosted", name: domain, domain, policies, ...more },
  });
  expect(res.status, res.text).toBe(201);
  return res.body.result as { id: string; aud: string; domain: string; policies: { id: string; precedence: number }[] };
}

/** A request to `https://host/path` through the gateway, each of `hosts` given to an account (`newHost`) and going to the echo origin. */
export function viaGateway(
  hosts: string[],
  method: string,
  hostAndPath: string,
  opts: CallOptions = {},
  more: Record<string, string> = {},
) {
  for (const host of hosts) if (!isGivenHost(host)) throw new Error(`${host} was given to no account: make it with newHost(owner)`);
  return callWithEnv(more, method, `https://${hostAndPath}`, opts);
}

/** Verifies an application's assertion as its origin would: the published JWKS, the issuer and its own AUD tag. */
export async function verifyForApp(jwt: string, aud: string) {
  const keys = createLocalJWKSet({ keys: await jwks() } as Parameters<typeof createLocalJWKSet>[0]);
  const { payload, protectedHeader } = await jwtVerify(jwt, keys, { audience: aud, issuer: "edgekeys" });
  return { payload, protectedHeader };
}
