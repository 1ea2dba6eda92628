/**
 * Gateway mode (ORIGINS, or ORIGIN_URL with GATEWAY_ACCOUNT_ID): a request is
 * matched to the most specific Access application claiming its host and path,
 * whose policies decide (src/core/access/decision.ts); an admitted request is
 * stripped of its secrets and of every header that could tell the origin
 * another host, path or method, and forwarded to the host's origin with an
 * assertion for the application's AUD tag.
 *
 * Every decision is made on the reading the origin acts on: the host in its
 * canonical form (no port), the path only when every origin reads it alike
 * (else 400), and only the applications of the account the operator gave the
 * host to. On its own hosts, GATEWAY_ACCOUNT_ID's credentials pass where no
 * application claims the path (the mode before applications).
 *
 * Deciding costs no round trip beyond authentication: the applications come
 * from this isolate's route table (src/auth/route-table.ts, at most 2 s old),
 * and a request that a Bypass policy admits is not authenticated at all. When
 * they cannot be read, nothing is forwarded (503).
 */
import type { Context } from "hono";
import { proxy } from "hono/proxy";
import { routeTable } from "../../auth/route-table";
import { type HostRoute, configOf, hostRoute } from "../../config";
import type { HostApp } from "../../core/access/ports";
import { decide } from "../../core/access/decision";
import { requestHost, selectApp } from "../../core/access/app-domain";
import { DomainError, forbidden } from "../../core/shared/errors";
import { isClientKind } from "../../core/shared/kinds";
import { hexToUuid, uuidToHex } from "../../core/shared/ids";
import type { AppEnv } from "../../http/app-env";
import { clientIp } from "../../http/client-ip";
import { requireServiceAuth, serviceAuthDoor } from "./authenticate";
import { forwardHeaders, forwardUrl } from "./forward";

/** Whether this request is wholly the gateway's: a host named in ORIGINS, outside Access's own `/cdn-cgi/access/`. */
export function isGatewayHost(c: Context<AppEnv>): boolean {
  let origins: ReadonlyMap<string, HostRoute> | undefined;
  try {
    origins = configOf(c.env).gateway?.origins;
  } catch {
    return false; // a bad value is answered, naming it, by whatever reads the configuration next; /healthz and /docs stay up
  }
  if (!origins?.size || c.req.path.startsWith("/cdn-cgi/access/")) return false;
  const host = requestHost(new URL(c.req.url));
  return host !== null && origins.has(host);
}

/** Whether the gateway serves this request's host (an ORIGINS host, or any host with ORIGIN_URL): its `/` is then the origin's. */
export function isServedHost(c: Context<AppEnv>): boolean {
  const host = requestHost(new URL(c.req.url));
  return host !== null && hostRoute(configOf(c.env).gateway, host) !== undefined;
}

/** Where a host's traffic goes ("self": the host itself, reached from a Worker on its route). */
const originOf = (route: HostRoute, host: string) => (route.origin === "self" ? `https://${host}` : route.origin);

/** Answers a request in gateway mode (the caller has put the services on the context); unknown-route 404 otherwise. */
export async function gateway(c: Context<AppEnv>): Promise<Response> {
  const mode = configOf(c.env).gateway;
  if (!mode) return c.notFound();
  const url = new URL(c.req.url);
  const host = requestHost(url);
  // `a.test..` or `.a.test` would fall to ORIGIN_URL's owner, past every application of `a.test`.
  if (host === null)
    throw new DomainError("invalid_request", "The Host is not a host name (an empty label, or characters a host cannot have)");
  const route = hostRoute(mode, host);
  if (!route) return c.notFound(); // the operator gave this host to nobody: no read at all
  const selected = selectApp(await appsOf(c, host, route), url.pathname);
  if ("refused" in selected) {
    throw new DomainError("invalid_request", `This path cannot be decided: it has ${selected.refused}. Write it without them`);
  }
  const target = { origin: originOf(route, host), host, proto: url.protocol.slice(0, -1) };
  if (selected.app) return admitToApplication(c, selected.app, target);
  if (route.accountId === mode.accountId) return admitToAccount(c, route.accountId, target);
  throw new DomainError("not_found", `No Access application protects ${host}${url.pathname}`);
}

/**
 * The applications on `host` of the account that owns it: an application
 * another account left there (before hosts had owners) decides nothing. Fails
 * closed: when they cannot be read, 503 and nothing forwarded.
 */
async function appsOf(c: Context<AppEnv>, host: string, route: HostRoute): Promise<HostApp[]> {
  let apps: HostApp[];
  try {
    apps = await routeTable.appsOn(
      host,
      (h) => c.var.services.accessApps.appsOnHost(h),
      (work) => c.executionCtx.waitUntil(work),
    );
  } catch (err) {
    console.error("gateway: reading the applications failed", err);
    throw new DomainError("unavailable", "The gateway cannot read its Access applications now; nothing was forwarded. Retry later");
  }
  const owner = hexToUuid(route.accountId);
  return apps.filter((app) => app.orgId === owner);
}

/** Where an admitted request goes, and what the gateway tells the origin about it. */
interface Target {
  origin: string;
  /** The canonical host the decision was made on. */
  host: string;
  proto: string;
  /** Headers that stop here besides the secret ones (an application's token header). */
  strip?: string[];
}

/**
 * The application's policies decide. First without credentials: a Bypass
 * policy that admits everyone (or this address) needs none, and a request it
 * admits is never authenticated. Otherwise the credential is authenticated
 * (401 without one, 403 when proven but disabled or expired) and the policies
 * decide again, knowing the token; only an Access service token of the
 * application's own account counts as one.
 */
async function admitToApplication(c: Context<AppEnv>, app: HostApp, target: Target): Promise<Response> {
  const ip = clientIp(c);
  // The application's single header never reaches the origin, whoever is admitted.
  const appTarget = { ...target, strip: app.tokenHeader ? [app.tokenHeader] : [] };
  if (decide(app.policies, { ip, tokenId: null }).admit === "bypass") return forward(c, appTarget, null, null);
  let response: Response | undefined;
  await serviceAuthDoor(app.tokenHeader ?? null)(c, async () => {
    const { identity } = c.var;
    const ours = isClientKind(identity.credentialKind) && identity.orgId === app.orgId;
    const verdict = decide(app.policies, { ip, tokenId: ours ? identity.credentialId : null });
    if (verdict.admit === false) throw forbidden("No policy of this application admits this credential");
    if (verdict.admit === "bypass") {
      response = await forward(c, appTarget, null, null);
      return;
    }
    const jwt = await c.var.services.signer().signForApplication(identity.clientId!, app.aud);
    response = await forward(c, appTarget, jwt, identity.clientId);
  });
  return response!;
}

/** Single-account mode, for hosts no application claims: any credential of GATEWAY_ACCOUNT_ID. */
async function admitToAccount(c: Context<AppEnv>, accountId: string, target: Target): Promise<Response> {
  let response: Response | undefined;
  await requireServiceAuth(c, async () => {
    const { identity } = c.var;
    if (uuidToHex(identity.orgId) !== accountId) throw forbidden("This credential may not pass this gateway");
    const jwt = await c.var.services.signer().sign(identity, gatewayAudience(configOf(c.env).jwt.audience, target.origin));
    response = await forward(c, target, jwt, identity.clientId);
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

async function forward(c: Context<AppEnv>, target: Target, jwt: string | null, clientId: string | null): Promise<Response> {
  const { method } = c.req.raw;
  if ((method === "GET" || method === "HEAD") && c.req.raw.body !== null && c.req.header("content-length") !== "0") {
    // fetch cannot send one; forwarding without it would hand the origin another request than the caller's.
    throw new DomainError("invalid_request", `A ${method} request with a body cannot be forwarded; send the body with POST`);
  }
  const url = forwardUrl(new URL(target.origin), new URL(c.req.url));
  const { serviceAuthHeader } = configOf(c.env);
  const strip = [...SECRET_HEADERS, ...(serviceAuthHeader ? [serviceAuthHeader] : []), ...(target.strip ?? [])];
  const headers = forwardHeaders(c.req.raw.headers, strip, {
    "cf-access-jwt-assertion": jwt,
    "cf-access-client-id": clientId,
    // The host and scheme the decision was made on, whatever the caller wrote.
    "x-forwarded-host": target.host,
    "x-forwarded-proto": target.proto,
    "x-forwarded-for": clientIp(c),
  });
  try {
    return await proxy(url, { raw: c.req.raw, headers });
  } catch (err) {
    throw new DomainError("bad_gateway", `The origin did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}
