/**
 * The rate-limit algorithm: a token bucket. A bucket holds up to `limit`
 * tokens and refills continuously at `limit` per `windowSeconds`; a request
 * takes one token or is refused. It is exact (one object decides, serially),
 * admits a burst of at most `limit`, and never more than `limit` plus the
 * refill over any interval — with O(1) state, unlike a sliding log, and with
 * no double burst at window edges, unlike a fixed window.
 */

export interface Policy {
  /** Policy name, as shown in the RateLimit headers. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface BucketState {
  tokens: number;
  /** Epoch ms of the last refill computation. */
  updatedAt: number;
}

export interface Decision {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Seconds until the bucket is full again (the RateLimit header's `t`). */
  resetSeconds: number;
  /** Seconds until the next request can be admitted (0 when one can be now). */
  retryAfterSeconds: number;
}

/** A Durable Object that keeps one bucket (`rate-limiter-object.ts`), as its callers see it. */
export interface BucketObject extends Rpc.DurableObjectBranded {
  take(policy: Policy): Decision;
  /** Gives back a token taken in advance for a request that turned out not to count. */
  refund(policy: Policy): void;
}

/** Refills `state` to `now`, takes a token if one is there, and says what happened. Pure. */
export function take(state: BucketState | undefined, policy: Policy, now: number): { state: BucketState; decision: Decision } {
  const { limit } = policy;
  const perMs = limit / (policy.windowSeconds * 1000);
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0;
  let tokens = state ? Math.min(limit, state.tokens + elapsed * perMs) : limit;
  const allowed = tokens >= 1;
  if (allowed) tokens -= 1;
  // Rounding guards: 0.9999999 tokens must not look like one, nor 1 second of wait like 0.
  const untilOne = tokens >= 1 ? 0 : (1 - tokens) / perMs;
  return {
    state: { tokens, updatedAt: now },
    decision: {
      allowed,
      limit,
      remaining: Math.floor(tokens + 1e-9),
      resetSeconds: Math.ceil((limit - tokens) / perMs / 1000 - 1e-9),
      retryAfterSeconds: Math.ceil(untilOne / 1000 - 1e-9),
    },
  };
}

/** `state` with one token given back (never above the limit), refilled to `now`. Pure. */
export function refund(state: BucketState | undefined, policy: Policy, now: number): BucketState {
  const perMs = policy.limit / (policy.windowSeconds * 1000);
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0;
  const tokens = state ? Math.min(policy.limit, state.tokens + elapsed * perMs + 1) : policy.limit;
  return { tokens, updatedAt: now };
}

/** One policy's item of the `RateLimit-Policy` header (draft-ietf-httpapi-ratelimit-headers). */
export const policyItem = (policy: Policy) => `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`;

/** The `RateLimit` header's value: what is left of `policy` and when it is full again. */
export const remainingItem = (policy: Policy, decision: Pick<Decision, "remaining" | "resetSeconds">) =>
  `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`;
