/**
 * Rate limits around authentication, shared by every authenticated door (the
 * three HTTP auth middlewares and the RPC entrypoint):
 *  - a client IP over its failed-authentication limit is refused (429) before
 *    any secret is compared (the block rides on the credential's D1 read);
 *  - a failed guess (malformed, unknown or wrong secret) counts against the IP;
 *  - an authenticated request counts against its credential: one Durable
 *    Object call on the success path, none other.
 */
import type { Credential } from "../core/model";
import { DomainError } from "../core/errors";
import type { Env } from "../env";
import type { Services } from "../services";
import { authFailurePolicy, credentialPolicy } from "./limiter";
import { type Decision, type Policy, policyItem, remainingItem } from "./token-bucket";

/** Failures that could be a guess at a secret. A proven but disabled/expired credential is no guess. */
const GUESSES = new Set(["malformed", "unknown", "invalid_secret"]);

export type Headers = Record<string, string>;

/** `RateLimit-Policy` naming both policies: sent on every response of a rate-limited route. */
export const policyHeader = (env: Env): Headers => ({
  "RateLimit-Policy": [credentialPolicy(env), authFailurePolicy(env)].map(policyItem).join(", "),
});

const remainingHeader = (policy: Policy, d: Pick<Decision, "remaining" | "resetSeconds">): Headers => ({
  RateLimit: remainingItem(policy, d),
});

function limited(policy: Policy, d: Decision, message: string): DomainError {
  return new DomainError("rate_limited", message, {
    retryAfter: Math.max(1, d.retryAfterSeconds),
    headers: remainingHeader(policy, d),
  });
}

/**
 * Runs `attempt` (which authenticates, given the client IP) under the limits.
 * Returns its result and the RateLimit header to send; throws DomainErrors
 * that carry the headers for the error response.
 */
export async function authenticateLimited<T extends { credential: Credential }>(
  env: Env,
  services: Pick<Services, "limiter" | "credentials">,
  ip: string | null,
  attempt: (ip: string | undefined) => Promise<T>,
  background: (work: Promise<unknown>) => void,
): Promise<{ result: T; headers: Headers }> {
  let result: T;
  try {
    result = await attempt(ip ?? undefined);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const failurePolicy = authFailurePolicy(env);
    if (err.details.reason === "ip_blocked") {
      err.details.headers = remainingHeader(failurePolicy, { remaining: 0, resetSeconds: err.details.retryAfter ?? 0 });
    } else if (ip && err.code === "unauthenticated" && GUESSES.has(err.details.authFailure ?? "")) {
      const d = await services.limiter.recordFailure(ip);
      if (!d.allowed) {
        // From now on the IP is refused before any lookup, in every isolate, until the bucket has a token again.
        background(services.credentials.blockIp(ip, Date.now() + Math.max(1, d.retryAfterSeconds) * 1000));
        throw limited(failurePolicy, d, "Too many failed authentications from your address; retry later");
      }
      err.details.headers = remainingHeader(failurePolicy, d);
    }
    throw err;
  }
  const policy = credentialPolicy(env);
  const d = await services.limiter.takeForCredential(result.credential.id);
  if (!d.allowed) throw limited(policy, d, `Rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded for this credential`);
  return { result, headers: remainingHeader(policy, d) };
}
