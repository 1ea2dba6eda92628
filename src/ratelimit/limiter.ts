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
      return unknownDecision(policy, false);
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

/** What to answer without the counter: admit with the full quota shown, or refuse for a window. */
function unknownDecision(policy: Policy, admit: boolean): Decision {
  return {
    allowed: admit,
    limit: policy.limit,
    remaining: admit ? policy.limit : 0,
    resetSeconds: admit ? 0 : policy.windowSeconds,
    retryAfterSeconds: admit ? 0 : policy.windowSeconds,
  };
}
