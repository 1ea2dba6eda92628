/**
 * Gateway mode (ORIGIN_URL or ORIGINS set): a request is matched to the most
 * specific Access application claiming its host and path, whose policies
 * decide (src/core/access-policy.ts); an admitted request is stripped of its
 * secrets and forwarded to the host's origin with an assertion for the
 * application's AUD tag. A host no application claims is refused, unless
 * GATEWAY_ACCOUNT_ID is set: then any credential of that account passes, with
 * an assertion for the gateway's audience (the mode before applications).
 *
 * Deciding costs no round trip beyond authentication: the applications come
 * from this isolate's route table (src/auth/route-table.ts, at most 2 s old),
 * and a request that a Bypass policy admits is not authenticated at all.
 */
import type { Context } from "hono";
import { proxy } from "hono/proxy";
import { routeTable } from "../../auth/route-table";
import { type Gateway, configOf } from "../../config";
import type { HostApp } from "../../core/access-app-ports";
import { decide } from "../../core/access-policy";
import { mostSpecific, requestHost } from "../../core/app-domain";
import { DomainError, forbidden } from "../../core/errors";
import { uuidToHex } from "../../core/ids";
import type { AppEnv } from "../../http/app-env";
import { clientIp } from "../../http/client-ip";
import { requireServiceAuth } from "./authenticate";
import { forwardHeaders, forwardUrl } from "./forward";

/** Whether this request is wholly the gateway's: a host named in ORIGINS, outside Access's own `/cdn-cgi/access/`. */
export function isGatewayHost(c: Context<AppEnv>): boolean {
  let mode: Gateway | null;
  try {
    mode = configOf(c.env).gateway;
  } catch {
    return false; // a bad value is answered, naming it, by whatever reads the configuration next; /healthz and /docs stay up
  }
  if (!mode?.origins.size || c.req.path.startsWith("/cdn-cgi/access/")) return false;
  return mode.origins.has(requestHost(new URL(c.req.url)));
}

/** Where a host's traffic goes: its ORIGINS entry ("self": the host itself, reached from a Worker on its route), else ORIGIN_URL. */
function originFor(mode: Gateway, host: string): string | undefined {
  const mapped = mode.origins.get(host)?.origin;
  return mapped === "self" ? `https://${host}` : (mapped ?? mode.fallback);
}

/** Answers a request in gateway mode (the caller has put the services on the context); unknown-route 404 otherwise. */
export async function gateway(c: Context<AppEnv>): Promise<Response> {
  const mode = configOf(c.env).gateway;
  if (!mode) return c.notFound();
  const url = new URL(c.req.url);
  const host = requestHost(url);
  const origin = originFor(mode, host);
  if (!origin) return c.notFound(); // nothing could be served here: no read at all
  const apps = await routeTable.appsOn(
    host,
    (h) => c.var.services.accessApps.appsOnHost(h),
    (work) => c.executionCtx.waitUntil(work),
  );
  const app = mostSpecific(apps, url.pathname);
  if (app === "ambiguous") {
    throw new DomainError("invalid_request", "Ambiguous path: read the ways origins read paths, it belongs to different Access applications");
  }
  if (app) return admitToApplication(c, app, origin);
  if (mode.accountId) return admitToAccount(c, mode.accountId, origin);
  throw new DomainError("not_found", `No Access application protects ${host}${url.pathname}`);
}

/**
 * The application's policies decide. First without credentials: a Bypass
 * policy that admits everyone (or this address) needs none, and a request it
 * admits is never authenticated. Otherwise the credential is authenticated
 * (401 without one, 403 when proven but disabled or expired) and the policies
 * decide again, knowing the token; only an Access service token of the
 * application's own account counts as one.
 */
async function admitToApplication(c: Context<AppEnv>, app: HostApp, origin: string): Promise<Response> {
  const ip = clientIp(c);
  if (decide(app.policies, { ip, tokenId: null }).admit === "bypass") return forward(c, origin, null, null);
  let response: Response | undefined;
  await requireServiceAuth(c, async () => {
    const { identity } = c.var;
    const ours = identity.credentialKind === "access_token" && identity.orgId === app.orgId;
    const verdict = decide(app.policies, { ip, tokenId: ours ? identity.credentialId : null });
    if (verdict.admit === false) throw forbidden("No policy of this application admits this credential");
    if (verdict.admit === "bypass") {
      response = await forward(c, origin, null, null);
      return;
    }
    const jwt = await c.var.services.signer().signForApplication(identity.clientId!, app.aud);
    response = await forward(c, origin, jwt, identity.clientId);
  });
  return response!;
}

/** Single-account mode, for hosts no application claims: any credential of GATEWAY_ACCOUNT_ID. */
async function admitToAccount(c: Context<AppEnv>, accountId: string, origin: string): Promise<Response> {
  let response: Response | undefined;
  await requireServiceAuth(c, async () => {
    const { identity } = c.var;
    if (uuidToHex(identity.orgId) !== accountId) throw forbidden("This credential may not pass this gateway");
    const jwt = await c.var.services.signer().sign(identity, gatewayAudience(c.env.JWT_AUDIENCE, origin));
    response = await forward(c, origin, jwt, identity.clientId);
  });
  return response!;
}

/**
 * The audience of the single-account gateway's assertions: JWT_AUDIENCE, else
 * the origin's own URL origin. Fixed by configuration, never by the request's Host.
 */
export const gatewayAudience = (configured: string | undefined, originUrl: string) => configured || new URL(originUrl).origin;

/** Headers that carry secrets: they stop here, and the origin learns who called from the assertion alone. */
const SECRET_HEADERS = ["cf-access-client-secret", "authorization", "x-auth-key"];

async function forward(c: Context<AppEnv>, origin: string, jwt: string | null, clientId: string | null): Promise<Response> {
  const target = forwardUrl(new URL(origin), new URL(c.req.url));
  const { serviceAuthHeader } = configOf(c.env);
  const strip = serviceAuthHeader ? [...SECRET_HEADERS, serviceAuthHeader] : SECRET_HEADERS;
  const headers = forwardHeaders(c.req.raw.headers, strip, { "cf-access-jwt-assertion": jwt, "cf-access-client-id": clientId });
  try {
    return await proxy(target, { raw: c.req.raw, headers });
  } catch (err) {
    throw new DomainError("bad_gateway", `The origin did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}
