/**
 * Gateway mode (ORIGIN_URL set): every request to a path outside edgekeys' own
 * is authenticated, limited to credentials of GATEWAY_ACCOUNT_ID, stripped of
 * its secrets, and forwarded to the origin with a signed identity.
 */
import type { Context } from "hono";
import { proxy } from "hono/proxy";
import { configOf } from "../../config";
import { DomainError, forbidden } from "../../core/errors";
import { uuidToHex } from "../../core/ids";
import type { AppEnv } from "../../http/app-env";
import { servicesFor } from "../../services";
import { requireServiceAuth } from "./authenticate";
import { forwardHeaders, forwardUrl } from "./forward";


/** The catch-all handler of paths no surface owns: forwards when gateway mode is on, else answers as an unknown route. */
export async function gateway(c: Context<AppEnv>) {
  const { gateway: mode, serviceAuthHeader } = configOf(c.env);
  if (!mode) return c.notFound();
  const { origin, accountId } = mode;
  if (!accountId) throw new DomainError("misconfigured", "ORIGIN_URL is set but GATEWAY_ACCOUNT_ID (32 hex) is not");
  c.set("services", servicesFor(c.env));
  let response: Response | undefined;
  await requireServiceAuth(c, async () => {
    const { identity } = c.var;
    if (uuidToHex(identity.orgId) !== accountId) throw forbidden("This credential may not pass this gateway");
    const jwt = await c.var.services.signer().sign(identity, gatewayAudience(c.env.JWT_AUDIENCE, origin));
    response = await forward(c, origin, jwt, identity.clientId, serviceAuthHeader);
  });
  return response!;
}

/**
 * The audience of the gateway's assertions: JWT_AUDIENCE, else the origin's
 * own URL origin. Fixed by configuration, never by the request's Host.
 */
export const gatewayAudience = (configured: string | undefined, originUrl: string) => configured || new URL(originUrl).origin;

/** Headers that carry secrets: they stop here, and the origin learns who called from the assertion alone. */
const SECRET_HEADERS = ["cf-access-client-secret", "authorization", "x-auth-key"];

async function forward(c: Context<AppEnv>, origin: string, jwt: string, clientId: string | null, serviceAuthHeader?: string): Promise<Response> {
  const target = forwardUrl(new URL(origin), new URL(c.req.url));
  const strip = serviceAuthHeader ? [...SECRET_HEADERS, serviceAuthHeader] : SECRET_HEADERS;
  const headers = forwardHeaders(c.req.raw.headers, strip, { "cf-access-jwt-assertion": jwt, "cf-access-client-id": clientId });
  try {
    return await proxy(target, { raw: c.req.raw, headers });
  } catch (err) {
    throw new DomainError("bad_gateway", `The origin did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
}
