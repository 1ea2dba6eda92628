/**
 * Authentication as Cloudflare's API takes it: `Authorization: Bearer <token>`,
 * or `X-Auth-Email` + `X-Auth-Key` (the key's owner's email and the key).
 */
import { createMiddleware } from "hono/factory";
import type { CredentialService } from "../core/credentials";
import { DomainError, unauthenticated } from "../core/errors";
import type { Caller } from "../core/model";
import { normalizeEmail } from "../core/orgs";
import type { AppEnv } from "../env";
import { authenticateWithLimits } from "../http/limits";
import { bearerToken } from "./bearer";

/** The one answer to every failed guess on the X-Auth path. */
const UNKNOWN_PAIR = "Unknown X-Auth-Key or X-Auth-Email";
/** Failures that prove no secret (as in ratelimit/guard.ts): answered alike, each kept for the limiter to count. */
const GUESSES = new Set(["malformed", "unknown", "invalid_secret"]);

/**
 * `X-Auth-Key` + `X-Auth-Email`: a wrong email, an unknown key, a wrong secret
 * and a malformed key all answer the same 401, so that a valid key does not
 * reveal whose it is (nor that it is valid at all) to whoever lacks its email.
 * A disabled or expired key still says so, as it would as a Bearer token:
 * whoever sent it proved its secret.
 */
async function authenticatePair(credentials: CredentialService, key: string, email: string, ip?: string): Promise<Caller> {
  let found: Caller;
  try {
    found = await credentials.authenticate(key, ip);
  } catch (err) {
    const failure = err instanceof DomainError ? err.details.authFailure : undefined;
    if (failure && GUESSES.has(failure)) throw unauthenticated(failure, UNKNOWN_PAIR);
    throw err;
  }
  if (normalizeEmail(email) !== found.principal.email) throw unauthenticated("unknown", UNKNOWN_PAIR);
  return found;
}

export const requireApiCredentials = createMiddleware<AppEnv>(async (c, next) => {
  const { credentials } = c.var.services;
  const caller = await authenticateWithLimits(c, async (ip) => {
    const token = bearerToken(c.req.header("Authorization"));
    if (token !== null) return credentials.authenticate(token, ip);
    const key = c.req.header("X-Auth-Key");
    const email = c.req.header("X-Auth-Email");
    if (!key && !email) throw unauthenticated("missing", "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
    if (!key || !email) throw unauthenticated("malformed", "X-Auth-Key and X-Auth-Email must be sent together");
    return authenticatePair(credentials, key, email, ip);
  });
  c.set("caller", caller);
  await next();
});
