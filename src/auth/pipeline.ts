/**
 * The one authentication pipeline, behind every door (`/v1`, `/accounts` and
 * `/client/v4`, get-identity, the gateway, RPC):
 *
 *   presented credential ─▶ its home (one Durable Object call: verify, count)
 *                        ─▶ who it is, and the RateLimit header to send
 *
 * A malformed credential is refused before any I/O. A failed guess (malformed,
 * unknown, wrong secret) costs the client's address a token of its failure
 * budget, in that address's own object, which is consulted only on failure; an
 * address over its budget is remembered by this isolate and refused before
 * anything else, so the success path pays nothing for the per-IP limit.
 */
import { DomainError, type AuthFailure, unauthenticated } from "../core/errors";
import type { CredentialKind } from "../core/model";
import { CLIENT_ID_PATTERN, CLIENT_SECRET_PATTERN, parseToken } from "../core/tokens";
import { type CredentialRef, refKey } from "../core/verification-cache";
import type { Env } from "../env";
import type { Config } from "../config";
import { DurableObjectLimiter } from "../ratelimit/limiter";
import { type Decision, type Policy, remainingItem } from "../ratelimit/token-bucket";
import type { VerificationRecord, VerifyOutcome } from "./home-protocol";
import type { PresentedCredential } from "./presented";
import { blockedSeconds, noteBlocked } from "./ip-blocks";

export interface Authenticated {
  record: VerificationRecord;
  /** An Access token's previous secret, in its grace period, was used. */
  usedPrevious: boolean;
  /** The `RateLimit` header of the credential's policy. */
  headers: Record<string, string>;
}

/** Failures that could be a guess at a secret. A proven but disabled/expired credential is no guess. */
const GUESSES = new Set<AuthFailure | undefined>(["malformed", "unknown", "invalid_secret"]);

interface Target {
  ref: CredentialRef;
  kind: CredentialKind;
  secret: string;
  /** How the failures name it: "API key", "Service token", "service token" (Access). */
  label: string;
}

const TOKEN_LABEL = { api_key: "API key", service_token: "Service token" } as const;

/** Which home to ask, from the presented credential alone: no lookup, no I/O. */
function locate(presented: PresentedCredential): Target {
  if (presented.kind === "client") {
    if (!CLIENT_ID_PATTERN.test(presented.clientId) || !CLIENT_SECRET_PATTERN.test(presented.secret)) {
      throw unauthenticated("malformed", "Malformed service token client id or secret");
    }
    return { ref: { kind: "access_token", clientId: presented.clientId }, kind: "access_token", secret: presented.secret, label: "service token" };
  }
  const parsed = parseToken(presented.token);
  if (!parsed) throw unauthenticated("malformed", "Malformed API key");
  return { ref: { kind: parsed.kind, id: parsed.credentialId }, kind: parsed.kind, secret: presented.token, label: TOKEN_LABEL[parsed.kind] };
}

const FAILURE_MESSAGE: Record<Exclude<VerifyOutcome, { ok: true }>["failure"], (label: string) => string> = {
  unknown: (label) => `Invalid ${label}`,
  invalid_secret: (label) => `Invalid ${label}`,
  disabled: (label) => `${capitalise(label)} is disabled`,
  expired: (label) => `${capitalise(label)} has expired`,
};
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function limited(policy: Policy, d: Pick<Decision, "remaining" | "resetSeconds" | "retryAfterSeconds">, message: string, blocked = false) {
  return new DomainError("rate_limited", message, {
    retryAfter: Math.max(1, d.retryAfterSeconds),
    headers: { RateLimit: remainingItem(policy, d) },
    ...(blocked ? { reason: "ip_blocked" as const } : {}),
  });
}

const BLOCKED_MESSAGE = "Too many failed authentications from your address; retry later";

export class Authenticator {
  constructor(
    private readonly env: Env,
    private readonly config: Config,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Authenticates what `extract` reads from the request (it throws `missing` or
   * `malformed` failures in its door's own words); `admit` may refuse a verified
   * credential (an X-Auth-Email that does not match). `ipKey` is the client's
   * rate-limit key (see `ratelimit/ip-key.ts`), null when unknown.
   */
  async authenticate(
    extract: () => PresentedCredential,
    ipKey: string | null,
    admit: (a: Authenticated) => void = () => undefined,
  ): Promise<Authenticated> {
    const failurePolicy = this.config.limits.authFailures;
    const blockedFor = ipKey ? blockedSeconds(ipKey, this.now()) : 0;
    if (blockedFor > 0) {
      throw limited(failurePolicy, { remaining: 0, resetSeconds: blockedFor, retryAfterSeconds: blockedFor }, BLOCKED_MESSAGE, true);
    }
    let presented: PresentedCredential | undefined;
    try {
      presented = extract();
      const result = await this.verify(locate(presented));
      admit(result);
      return result;
    } catch (caught) {
      let err = caught;
      if (!(err instanceof DomainError) || err.code !== "unauthenticated" || !GUESSES.has(err.details.authFailure)) throw err;
      if (presented?.guessMessage) err = unauthenticated(err.details.authFailure!, presented.guessMessage);
      if (!ipKey) throw err;
      const d = await new DurableObjectLimiter(this.env).recordFailure(ipKey, failurePolicy);
      if (!d.allowed) {
        // From now on this isolate refuses the address before anything else, until its bucket has a token again.
        noteBlocked(ipKey, this.now() + Math.max(1, d.retryAfterSeconds) * 1000);
        throw limited(failurePolicy, d, BLOCKED_MESSAGE, true);
      }
      (err as DomainError).details.headers = { RateLimit: remainingItem(failurePolicy, d) };
      throw err;
    }
  }

  /** One call to the credential's home. */
  private async verify(target: Target): Promise<Authenticated> {
    const policy = this.config.limits.credential;
    const home = this.env.CREDENTIALS.get(this.env.CREDENTIALS.idFromName(refKey(target.ref)));
    let outcome: VerifyOutcome;
    try {
      outcome = await home.verify({ ref: target.ref, kind: target.kind, secret: target.secret, peppers: this.config.peppers(), policy });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      console.error("credential object unreachable:", err instanceof Error ? err.message : String(err));
      throw new DomainError("unavailable", "Authentication is unavailable right now; retry the request", { retryAfter: 1 });
    }
    if (!outcome.ok) throw unauthenticated(outcome.failure, FAILURE_MESSAGE[outcome.failure](target.label));
    if (!outcome.decision.allowed) {
      throw limited(policy, outcome.decision, `Rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded for this credential`);
    }
    return { record: outcome.record, usedPrevious: outcome.usedPrevious, headers: { RateLimit: remainingItem(policy, outcome.decision) } };
  }
}
