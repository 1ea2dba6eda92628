/**
 * Gateway mode (ORIGIN_URL set): every request to a path outside edgekeys' own
 * is authenticated, limited to credentials of GATEWAY_ACCOUNT_ID, stripped of
 * its secrets, and forwarded to the origin with a signed identity.
 */
import type { Context } from "hono";
import { proxy } from "hono/proxy";
import { DomainError, forbidden } from "../../core/errors";
import { uuidToHex } from "../../core/ids";
import type { AppEnv } from "../../env";
import { afterResponse } from "../../http/background";
import { servicesFor } from "../../services";
import { requireServiceAuth } from "./authenticate";

/** Paths edgekeys answers itself; they never reach the origin. */
export const OWN_PREFIXES = ["/v1/", "/admin/", "/accounts/", "/client/v4/", "/cdn-cgi/"];
const OWN_PATHS = new Set(["/healthz", "/openapi.json", "/docs", "/v1", "/admin", "/accounts", "/client/v4", "/cdn-cgi"]);

export const isOwnPath = (path: string) => OWN_PATHS.has(path) || OWN_PREFIXES.some((p) => path.startsWith(p));

const ACCOUNT_ID = /^[0-9a-f]{32}$/;

/** The catch-all handler: forwards when gateway mode is on, else answers as an unknown route. */
export async function gateway(c: Context<AppEnv>) {
  const origin = c.env.ORIGIN_URL;
  if (!origin || isOwnPath(c.req.path)) return c.notFound();
  const accountId = c.env.GATEWAY_ACCOUNT_ID?.toLowerCase();
  if (!accountId || !ACCOUNT_ID.test(accountId)) {
    throw new DomainError("misconfigured", "ORIGIN_URL is set but GATEWAY_ACCOUNT_ID (32 hex) is not");
  }
  c.set("services", servicesFor(c.env, undefined, (work) => afterResponse(c, work)));
  let response: Response | undefined;
  await requireServiceAuth(c, async () => {
    const { identity } = c.var;
    if (uuidToHex(identity.orgId) !== accountId) throw forbidden("This credential may not pass this gateway");
    const jwt = await c.var.services.signer().sign(identity, new URL(c.req.url).origin);
    response = await forward(c, origin, jwt, identity.clientId);
  });
  return response!;
}

async function forward(c: Context<AppEnv>, origin: string, jwt: string, clientId: string | null): Promise<Response> {
  const incoming = new URL(c.req.url);
  const base = new URL(origin);
  const target = new URL(base.pathname.replace(/\/$/, "") + incoming.pathname + incoming.search, base);
  const headers: Record<string, string | undefined> = {
    ...c.req.header(),
    // Secrets stop here: the origin learns who called from the assertion alone.
    "cf-access-client-secret": undefined,
    authorization: undefined,
    "x-auth-key": undefined,
    "cf-access-jwt-assertion": jwt,
    "cf-access-client-id": clientId ?? undefined,
  };
  if (c.env.SERVICE_AUTH_HEADER) headers[c.env.SERVICE_AUTH_HEADER.toLowerCase()] = undefined;
  try {
    return await proxy(target, { raw: c.req.raw, headers });
  } catch (err) {
    throw new DomainError("bad_gateway", `The origin did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}
