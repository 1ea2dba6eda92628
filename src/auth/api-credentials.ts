/**
 * Authentication as Cloudflare's API takes it: `Authorization: Bearer <token>`,
 * or `X-Auth-Email` + `X-Auth-Key` (the key's owner's email and the key).
 */
import { createMiddleware } from "hono/factory";
import { unauthenticated } from "../core/errors";
import { normalizeEmail } from "../core/orgs";
import type { AppEnv } from "../env";
import { authenticateWithLimits } from "../http/limits";
import { bearerToken } from "./bearer";

export const requireApiCredentials = createMiddleware<AppEnv>(async (c, next) => {
  const { credentials } = c.var.services;
  const caller = await authenticateWithLimits(c, async (ip) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (token !== null) return credentials.authenticate(token, ip);
    const key = c.req.header("X-Auth-Key");
    const email = c.req.header("X-Auth-Email");
    if (!key && !email) throw unauthenticated("missing", "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
    if (!key || !email) throw unauthenticated("malformed", "X-Auth-Key and X-Auth-Email must be sent together");
    const found = await credentials.authenticate(key, ip);
    // The same answer as for a wrong key: a valid key must not reveal whose it is.
    if (normalizeEmail(email) !== found.principal.email) throw unauthenticated("unknown", "Unknown X-Auth-Key or X-Auth-Email");
    return found;
  });
  c.set("caller", caller);
  await next();
});
