/**
 * `Authorization: Bearer <token>` authentication. On success the verified
 * caller is on the context as `caller`; on failure a DomainError reaches the
 * surface's error renderer.
 */
import { createMiddleware } from "hono/factory";
import { unauthenticated } from "../core/errors";
import type { AppEnv } from "../env";
import { authenticateWithLimits } from "../http/limits";

/** The token of a `Bearer` Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw unauthenticated("malformed", "Authorization header must be \"Bearer <API key>\"");
  return match[1]!;
}

export const requireBearer = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await authenticateWithLimits(c, (ip) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (token === null) throw unauthenticated("missing", "Missing Authorization header (Bearer <API key>)");
    return c.var.services.credentials.authenticate(token, ip);
  });
  c.set("caller", caller);
  await next();
});
