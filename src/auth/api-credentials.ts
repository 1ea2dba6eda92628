/**
 * Authentication as Cloudflare's API takes it: `Authorization: Bearer <token>`,
 * or `X-Auth-Email` + `X-Auth-Key` (the key's owner's email and the key).
 */
import { createMiddleware } from "hono/factory";
import { unauthenticated } from "../core/errors";
import { normalizeEmail } from "../core/orgs";
import type { AppEnv } from "../env";
import { afterResponse } from "../http/background";
import { bearerToken } from "./bearer";

export const requireApiCredentials = createMiddleware<AppEnv>(async (c, next) => {
  const { credentials } = c.var.services;
  const token = bearerToken(c.req.header("Authorization"));
  if (token !== null) {
    const caller = await credentials.authenticate(token);
    afterResponse(c, credentials.noteUse(caller.credential));
    c.set("caller", caller);
    return next();
  }
  const key = c.req.header("X-Auth-Key");
  const email = c.req.header("X-Auth-Email");
  if (!key && !email) throw unauthenticated("missing", "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
  if (!key || !email) throw unauthenticated("malformed", "X-Auth-Key and X-Auth-Email must be sent together");
  const caller = await credentials.authenticate(key);
  // The same answer as for a wrong key: a valid key must not reveal whose it is.
  if (normalizeEmail(email) !== caller.principal.email) throw unauthenticated("unknown", "Unknown X-Auth-Key or X-Auth-Email");
  afterResponse(c, credentials.noteUse(caller.credential));
  c.set("caller", caller);
  await next();
});
