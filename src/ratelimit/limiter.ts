/**
 * Rate limits as the request path sees them: which policy, which object, and
 * what happens when the Durable Object cannot be reached.
 */
import type { Env } from "../env";
import type { Decision, Policy } from "./token-bucket";

export const DEFAULTS = {
  RATE_LIMIT_REQUESTS: 1000,
  RATE_LIMIT_WINDOW_SECONDS: 60,
  AUTH_FAILURE_LIMIT: 20,
  AUTH_FAILURE_WINDOW_SECONDS: 60,
};

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
};

export const credentialPolicy = (env: Env): Policy => ({
  name: "credential",
  limit: positive(env.RATE_LIMIT_REQUESTS, DEFAULTS.RATE_LIMIT_REQUESTS),
  windowSeconds: positive(env.RATE_LIMIT_WINDOW_SECONDS, DEFAULTS.RATE_LIMIT_WINDOW_SECONDS),
});

export const authFailurePolicy = (env: Env): Policy => ({
  name: "auth-failures",
  limit: positive(env.AUTH_FAILURE_LIMIT, DEFAULTS.AUTH_FAILURE_LIMIT),
  windowSeconds: positive(env.AUTH_FAILURE_WINDOW_SECONDS, DEFAULTS.AUTH_FAILURE_WINDOW_SECONDS),
});

export interface Limiter {
  /** Counts a request of credential `credentialId`. */
  takeForCredential(credentialId: string): Promise<Decision>;
  /** Counts a failed authentication from `ip`. */
  recordFailure(ip: string): Promise<Decision>;
}

/**
 * The Durable Object implementation. When the object cannot be reached:
 * per-credential counting fails open (the request was authenticated; an outage
 * of the counter must not take the API down with it) unless
 * RATE_LIMIT_FAIL_OPEN is "false"; counting failed authentications always
 * fails closed (the request failed anyway, and a guesser must not profit from
 * an outage).
 */
export class DurableObjectLimiter implements Limiter {
  constructor(private readonly env: Env) {}

  async takeForCredential(credentialId: string): Promise<Decision> {
    const policy = credentialPolicy(this.env);
    try {
      return await this.stub(`credential:${credentialId}`).take(policy);
    } catch (err) {
      console.error("rate limiter unreachable (credential):", err instanceof Error ? err.message : String(err));
      const open = this.env.RATE_LIMIT_FAIL_OPEN !== "false";
      return unknownDecision(policy, open);
    }
  }

  async recordFailure(ip: string): Promise<Decision> {
    const policy = authFailurePolicy(this.env);
    try {
      return await this.stub(`ip:${ip}`).take(policy);
    } catch (err) {
      console.error("rate limiter unreachable (auth failures):", err instanceof Error ? err.message : String(err));
      return unknownDecision(policy, false);
    }
  }

  private stub(name: string) {
    return this.env.RATE_LIMITER.get(this.env.RATE_LIMITER.idFromName(name));
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
