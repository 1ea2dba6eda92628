/**
 * Rate limits as the request path sees them: which policy, which object, and
 * what happens when the Durable Object cannot be reached.
 */
import type { Env } from "../env";
import { type Decision, type Policy, policyItem } from "./token-bucket";

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

interface Policies {
  credential: Policy;
  authFailures: Policy;
  header: Record<string, string>;
}

// Read from the environment once per isolate and configuration, not on every request.
const parsed = new Map<string, Policies>();

function policies(env: Env): Policies {
  const key = `${env.RATE_LIMIT_REQUESTS}/${env.RATE_LIMIT_WINDOW_SECONDS}/${env.AUTH_FAILURE_LIMIT}/${env.AUTH_FAILURE_WINDOW_SECONDS}`;
  let p = parsed.get(key);
  if (!p) {
    const credential = {
      name: "credential",
      limit: positive(env.RATE_LIMIT_REQUESTS, DEFAULTS.RATE_LIMIT_REQUESTS),
      windowSeconds: positive(env.RATE_LIMIT_WINDOW_SECONDS, DEFAULTS.RATE_LIMIT_WINDOW_SECONDS),
    };
    const authFailures = {
      name: "auth-failures",
      limit: positive(env.AUTH_FAILURE_LIMIT, DEFAULTS.AUTH_FAILURE_LIMIT),
      windowSeconds: positive(env.AUTH_FAILURE_WINDOW_SECONDS, DEFAULTS.AUTH_FAILURE_WINDOW_SECONDS),
    };
    p = { credential, authFailures, header: { "RateLimit-Policy": [credential, authFailures].map(policyItem).join(", ") } };
    parsed.set(key, p);
  }
  return p;
}

export const credentialPolicy = (env: Env): Policy => policies(env).credential;

export const authFailurePolicy = (env: Env): Policy => policies(env).authFailures;

/** `RateLimit-Policy` naming both policies: sent on every response of a rate-limited route. */
export const policyHeader = (env: Env): Record<string, string> => policies(env).header;

/**
 * Failed authentications per client, counted in the client's own Durable
 * Object. (A credential's requests are counted by the credential's home, see
 * `auth/credential-object.ts`.) When the object cannot be reached the count
 * fails closed: the request failed anyway, and a guesser must not profit from
 * an outage.
 */
export class DurableObjectLimiter {
  constructor(private readonly env: Env) {}

  /** Counts a failed authentication from the client `key` (see `ip-key.ts`). */
  async recordFailure(key: string): Promise<Decision> {
    const policy = authFailurePolicy(this.env);
    try {
      return await this.env.RATE_LIMITER.get(this.env.RATE_LIMITER.idFromName(`ip:${key}`)).take(policy);
    } catch (err) {
      console.error("rate limiter unreachable (auth failures):", err instanceof Error ? err.message : String(err));
      return unknownDecision(policy, false);
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
