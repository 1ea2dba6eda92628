/**
 * Guards /admin/*: absent `ADMIN_TOKEN` hides the routes entirely (404); a
 * wrong token is 401, and counts against the client's failure budget like any
 * other guessed secret (429 past it, before any comparison). Compared as
 * SHA-256 digests in constant time, so that neither the token's content nor
 * its length leaks through timing.
 */
import { createMiddleware } from "hono/factory";
import { configOf } from "../config";
import { DomainError, unauthenticated } from "../core/shared/errors";
import type { AppEnv } from "../http/app-env";
import { clientIp } from "../http/client-ip";
import { ipLimitKey } from "../ratelimit/ip-key";
import { bearerToken } from "./presented";

const sha256 = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

export const requireAdminToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = configOf(c.env).adminToken;
  if (!expected) throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  const { auth } = c.var.services;
  const ipKey = ipLimitKey(clientIp(c));
  auth.refuseIfBlocked(ipKey);
  let given: string | null;
  try {
    given = bearerToken(c.req.header("Authorization"));
  } catch (err) {
    throw await auth.countGuess(ipKey, err as DomainError);
  }
  if (given === null) throw unauthenticated("missing", "Missing Authorization header (Bearer <ADMIN_TOKEN>)");
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  if (!crypto.subtle.timingSafeEqual(a, b)) throw await auth.countGuess(ipKey, unauthenticated("invalid_secret", "Invalid admin token"));
  await next();
});
