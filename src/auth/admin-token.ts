/**
 * Guards /admin/*: absent `ADMIN_TOKEN` hides the routes entirely (404); a
 * wrong token is 401. Compared as SHA-256 digests in constant time, so that
 * neither the token's content nor its length leaks through timing.
 */
import { createMiddleware } from "hono/factory";
import { DomainError, unauthenticated } from "../core/errors";
import type { AppEnv } from "../http/app-env";
import { bearerToken } from "./presented";

const sha256 = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

export const requireAdminToken = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  const given = bearerToken(c.req.header("Authorization"));
  if (given === null) throw unauthenticated("missing", "Missing Authorization header (Bearer <ADMIN_TOKEN>)");
  const [a, b] = await Promise.all([sha256(given), sha256(expected)]);
  if (!crypto.subtle.timingSafeEqual(a, b)) throw unauthenticated("invalid_secret", "Invalid admin token");
  await next();
});
