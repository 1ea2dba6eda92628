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
 * anything else, and for the rest of the window pays in advance (see
 * ip-blocks.ts). A clean address's success path pays nothing for the limit.
 */
import { DomainError, type AuthFailure, forbidden, unauthenticated } from "../core/shared/errors";
import { type ClientKind, CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS, type CredentialKind, isTokenKind } from "../core/shared/kinds";
import { CLIENT_ID_PATTERN, isClientSecret, parseToken } from "../core/credentials/tokens";
import { type CredentialRef, refKey } from "../core/credentials/verification-cache";
import type { Env } from "../env";
import type { Config } from "../config";
import type { StrictOf } from "../core/access/organization";
import { D1AccessOrganizations } from "../db/access-organizations";
import { DurableObjectLimiter } from "../ratelimit/limiter";
import { type Decision, type Policy, policyItem, remainingItem } from "../ratelimit/token-bucket";
import { REFUSAL_OUTCOME, type VerificationRecord, type VerifyOutcome } from "./home-protocol";
import type { UsageOutcome } from "../core/credentials/usage";
import type { PresentedCredential } from "./presented";
import { blockedSeconds, isSuspect, noteBlocked, noteSuspect } from "./ip-blocks";

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

/** The one kind presented as an Access client id and secret. */
const CLIENT_KIND = CREDENTIAL_KIND_NAMES.find((kind): kind is ClientKind => !isTokenKind(kind))!;

/** Which home to ask, from the presented credential alone: no lookup, no I/O. */
function locate(presented: PresentedCredential): Target {
  if (presented.kind === "client") {
    if (!CLIENT_ID_PATTERN.test(presented.clientId) || !isClientSecret(presented.secret)) {
      throw unauthenticated("malformed", "Malformed service token client id or secret");
    }
    const kind = CLIENT_KIND;
    return { ref: { kind, clientId: presented.clientId }, kind, secret: presented.secret, label: CREDENTIAL_KINDS[kind].authLabel };
  }
  const parsed = parseToken(presented.token);
  if (!parsed) throw unauthenticated("malformed", "Malformed API key");
  return {
    ref: { kind: parsed.kind, id: parsed.credentialId },
    kind: parsed.kind,
    secret: presented.token,
    label: CREDENTIAL_KINDS[parsed.kind].authLabel,
  };
}

type Refusal = Exclude<VerifyOutcome, { ok: true }>["failure"];
const FAILURE_MESSAGE: Record<Exclude<Refusal, "busy" | "ip_not_allowed" | "credits_exhausted">, (label: string) => string> = {
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
    /** The account's strict service-token auth; read (one D1 read) only for an ambiguous request. */
    private readonly strictOf: StrictOf = (orgId) => new D1AccessOrganizations(env.DB).strict(orgId),
  ) {}

  /**
   * Authenticates what `extract` reads from the request (it throws `missing` or
   * `malformed` failures in its door's own words); `admit` may refuse a verified
   * credential (an X-Auth-Email that does not match). `ipKey` is the client's
   * rate-limit key (see `ratelimit/ip-key.ts`), null when unknown; `clientIp` the
   * address as reported, which a credential's IP allowlist is checked against.
   */
  async authenticate(
    extract: () => PresentedCredential,
    ipKey: string | null,
    admit: (a: Authenticated) => void = () => undefined,
    clientIp: string | null = null,
  ): Promise<Authenticated> {
    const failurePolicy = this.config.limits.authFailures;
    this.refuseIfBlocked(ipKey);
    const limiter = new DurableObjectLimiter(this.env);
    // An address that spent its budget lately pays in advance: its requests are counted before they are judged.
    let advance: Decision | null = null;
    if (ipKey && isSuspect(ipKey, this.now())) {
      advance = await limiter.recordFailure(ipKey, failurePolicy);
      if (!advance.allowed) throw this.block(ipKey, advance);
    }
    let presented: PresentedCredential | undefined;
    try {
      presented = extract();
      const result = await this.verify(locate(presented), clientIp);
      // Strict mode decides only ambiguous requests, so a well-formed one never reads it. Read from D1 when
      // needed, never cached: turning strict mode on is felt by the next request. Counted as a guess.
      if (presented.ambiguous && (await this.isStrict(result.record.credential.orgId)))
        throw unauthenticated("malformed", presented.ambiguous);
      admit(result);
      if (advance) await limiter.refund(ipKey!, failurePolicy);
      return result;
    } catch (caught) {
      let err = caught;
      const guess = err instanceof DomainError && err.code === "unauthenticated" && GUESSES.has(err.details.authFailure);
      if (!guess) {
        // Not a guess (a proven but refused credential, an outage): the advance is given back.
        if (advance) await limiter.refund(ipKey!, failurePolicy);
        throw err;
      }
      if (presented?.guessMessage) err = unauthenticated((err as DomainError).details.authFailure!, presented.guessMessage);
      throw await this.countGuess(ipKey, err as DomainError, advance);
    }
  }

  /** The account's strict mode; when it cannot be read, the request is not decided (503), never let through. */
  private async isStrict(orgId: string): Promise<boolean> {
    try {
      return await this.strictOf(orgId);
    } catch (err) {
      console.error("reading strict service-token auth failed:", err instanceof Error ? err.message : String(err));
      throw new DomainError("unavailable", "Authentication is unavailable right now; retry the request", { retryAfter: 1 });
    }
  }

  /** A blocked address is refused before anything else (429). */
  refuseIfBlocked(ipKey: string | null): void {
    const blockedFor = ipKey ? blockedSeconds(ipKey, this.now()) : 0;
    if (blockedFor > 0) {
      const d = { remaining: 0, resetSeconds: blockedFor, retryAfterSeconds: blockedFor };
      throw limited(this.config.limits.authFailures, d, BLOCKED_MESSAGE, true);
    }
  }

  /**
   * Counts a failed guess against the address (unless `advance` already did)
   * and answers what to throw: the failure with the budget left, or a 429 once
   * the budget is spent. Also for secrets outside the homes (the admin token).
   */
  async countGuess(ipKey: string | null, err: DomainError, advance: Decision | null = null): Promise<DomainError> {
    if (!ipKey) return err;
    const policy = this.config.limits.authFailures;
    const d = advance ?? (await new DurableObjectLimiter(this.env).recordFailure(ipKey, policy));
    if (!d.allowed) return this.block(ipKey, d);
    err.details.headers = { ...err.details.headers, RateLimit: remainingItem(policy, d) };
    return err;
  }

  /** The address is over its budget: this isolate refuses it before anything else until a token is back. */
  private block(ipKey: string, d: Decision): DomainError {
    const now = this.now();
    noteBlocked(ipKey, now + Math.max(1, d.retryAfterSeconds) * 1000);
    // Having spent its budget, the address pays in advance for the rest of the window (see ip-blocks.ts).
    noteSuspect(ipKey, now + this.config.limits.authFailures.windowSeconds * 1000);
    return limited(this.config.limits.authFailures, d, BLOCKED_MESSAGE, true);
  }

  /** One call to the credential's home. */
  private async verify(target: Target, ip: string | null): Promise<Authenticated> {
    const defaults = this.config.limits.credential;
    const key = refKey(target.ref);
    const home = this.env.CREDENTIALS.get(this.env.CREDENTIALS.idFromName(key));
    let outcome: VerifyOutcome;
    try {
      outcome = await home.verify({
        ref: target.ref,
        kind: target.kind,
        secret: target.secret,
        peppers: this.config.peppers(),
        policy: defaults,
        ip,
      });
    } catch (err) {
      if (err instanceof DomainError) throw err;
      console.error("credential object unreachable:", err instanceof Error ? err.message : String(err));
      throw new DomainError("unavailable", "Authentication is unavailable right now; retry the request", { retryAfter: 1 });
    }
    if (!outcome.ok && outcome.failure === "busy") {
      throw new DomainError("unavailable", "The credential is being changed; retry the request", { retryAfter: 1 });
    }
    // Optional (README "Usage"): one data point per decided request, when the operator binds a dataset.
    this.env.USAGE_EVENTS?.writeDataPoint({ indexes: [key], blobs: [target.kind, streamOutcome(outcome)], doubles: [1] });
    // A proven credential refused by its own policy is no guess: these cost the address's failure budget nothing.
    if (!outcome.ok && outcome.failure === "ip_not_allowed") throw forbidden(`This ${target.label} may not be used from your address`);
    if (!outcome.ok && outcome.failure === "credits_exhausted") {
      const retry = outcome.retryAfterSeconds;
      const when = retry === null ? "no refill is due" : `the next refill is in ${retry} s`;
      throw new DomainError(
        "rate_limited",
        `This ${target.label} has no credits left; ${when}`,
        retry === null ? {} : { retryAfter: retry },
      );
    }
    if (!outcome.ok) throw unauthenticated(outcome.failure, FAILURE_MESSAGE[outcome.failure](target.label));
    const { policy, decision } = outcome;
    // A credential's own limit is announced in place of the default one.
    const own: Record<string, string> =
      policy === defaults || (policy.limit === defaults.limit && policy.windowSeconds === defaults.windowSeconds)
        ? {}
        : { "RateLimit-Policy": [policy, this.config.limits.authFailures].map(policyItem).join(", ") };
    if (!decision.allowed) {
      const err = limited(
        policy,
        decision,
        `Rate limit of ${policy.limit} requests per ${policy.windowSeconds} s exceeded for this credential`,
      );
      err.details.headers = { ...err.details.headers, ...own };
      throw err;
    }
    return { record: outcome.record, usedPrevious: outcome.usedPrevious, headers: { RateLimit: remainingItem(policy, decision), ...own } };
  }
}

/** The Analytics Engine stream's outcome, in the usage counts' words; `unknown`: a token naming no credential. */
function streamOutcome(outcome: Exclude<VerifyOutcome, { ok: false; failure: "busy" }>): UsageOutcome | "unknown" {
  if (outcome.ok) return outcome.decision.allowed ? "success" : "rate_limited";
  return outcome.failure === "unknown" ? "unknown" : REFUSAL_OUTCOME[outcome.failure];
}
