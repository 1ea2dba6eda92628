/** The Hono side of the rate limits: client IP, headers on every response, background block writes. */
import type { Context } from "hono";
import type { Credential } from "../core/model";
import type { AppEnv } from "../env";
import { authenticateLimited, policyHeader } from "../ratelimit/guard";
import { ipLimitKey } from "../ratelimit/ip-key";
import { afterResponse } from "./background";

/**
 * The client's address exactly as Cloudflare reports it (for the audit log);
 * null when unknown. Rate limits count `ipLimitKey` of it instead, so that
 * every spelling of one client shares one budget.
 */
export const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP")?.trim() || null;

/**
 * Authenticates through `attempt` under the rate limits, puts the
 * RateLimit-Policy and RateLimit headers on the response, success or not, and
 * notes the credential's use and the request's actor. Every HTTP door calls this.
 */
export async function authenticateWithLimits<T extends { credential: Credential }>(
  c: Context<AppEnv>,
  attempt: (ip: string | undefined) => Promise<T>,
): Promise<T> {
  for (const [name, value] of Object.entries(policyHeader(c.env))) c.header(name, value);
  const { result, headers } = await authenticateLimited(c.env, c.var.services, ipLimitKey(clientIp(c)), attempt, (work) =>
    afterResponse(c, work),
  );
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  // The use is recorded at most once a minute, after the response.
  afterResponse(c, c.var.services.credentials.noteUse(result.credential));
  // Whatever this request changes is recorded as done by this credential and its owner.
  c.var.services.audit.actor = { principalId: result.credential.principalId, credentialId: result.credential.id };
  return result;
}
