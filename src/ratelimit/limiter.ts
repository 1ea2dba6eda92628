/**
 * Rate limits as the request path sees them: which policy, which object, and
 * what happens when the Durable Object cannot be reached.
 */
import type { Env } from "../env";
import type { Decision, Policy } from "./token-bucket";

/**
 * Failed authentications per client, counted in the client's own Durable
 * Object. (A credential's requests are counted by the credential's home, see
 * `auth/credential-object.ts`.) When the object cannot be reached the count
 * fails closed: the request failed anyway, and a guesser must not profit from
 * an outage.
 */
export class DurableObjectLimiter {
  constructor(private readonly env: Pick<Env, "RATE_LIMITER">) {}

  /** Counts a failed authentication from the client `key` (see `ip-key.ts`) under `policy`. */
  async recordFailure(key: string, policy: Policy): Promise<Decision> {
    try {
      return await this.env.RATE_LIMITER.get(this.env.RATE_LIMITER.idFromName(`ip:${key}`)).take(policy);
    } catch (err) {
      console.error("rate limiter unreachable (auth failures):", err instanceof Error ? err.message : String(err));
      return refusedFor(policy);
    }
  }

  /** Gives back a token `recordFailure` took in advance; a lost refund only costs the client a token. */
  async refund(key: string, policy: Policy): Promise<void> {
    try {
      await this.env.RATE_LIMITER.get(this.env.RATE_LIMITER.idFromName(`ip:${key}`)).refund(policy);
    } catch (err) {
      console.error("rate limiter unreachable (refund):", err instanceof Error ? err.message : String(err));
    }
  }
}

/** What to answer without the counter: refuse for a window (a guesser must not profit from an outage). */
function refusedFor(policy: Policy): Decision {
  return { allowed: false, limit: policy.limit, remaining: 0, resetSeconds: policy.windowSeconds, retryAfterSeconds: policy.windowSeconds };
}
