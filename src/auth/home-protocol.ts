/**
 * What a credential's home (`credential-object.ts`) is asked and answers: the
 * RPC protocol between the Worker and the object, apart from either side so
 * that the environment's types can name it without importing the object.
 */
import type { AuthFailure } from "../core/shared/errors";
import type { PepperConfig } from "../core/credentials/hashing";
import type { Credential, CredentialKind, Org, Principal, Role } from "../core/shared/model";
import type { CredentialRef } from "../core/credentials/verification-cache";
import type { Decision, Policy } from "../ratelimit/token-bucket";
import type { Credits } from "../core/shared/policy";
import type { LiveUse } from "../core/credentials/ports";

/** What a home sends the usage queue once an hour (src/usage/consume.ts reads it). */
export type { UsageReport } from "../core/credentials/ports";
import type { Granularity, UsageOutcome, UsageSeries } from "../core/credentials/usage";

/** What verification needs to know about a credential, and what the identity is made of. */
export interface VerificationRecord {
  credential: Credential;
  /** Keys and Braintrust service tokens: the owner, the org issued in, and the owner's role there. */
  principal: Principal | null;
  org: Org | null;
  role: Role | null;
}

export interface VerifyRequest {
  ref: CredentialRef;
  /** The kind the token's format claims. */
  kind: CredentialKind;
  /** The presented secret (the whole bearer token, or the client secret). */
  secret: string;
  peppers: PepperConfig;
  /** The default rate limit; a credential's own (its policy's `rateLimit`) replaces it. */
  policy: Policy;
  /** The client's address as reported (CF-Connecting-IP), for the credential's IP allowlist; null when unknown. */
  ip: string | null;
}

/**
 * What a verification answers. (The home also puts the D1 statements it made for the call beside
 * the answer, which `src/bench/metrics.ts` reads: benchmark plumbing, not part of the protocol.)
 */
export type VerifyOutcome =
  /** `policy`: the rate limit that decided (the credential's own, or the default). */
  | { ok: true; record: VerificationRecord; usedPrevious: boolean; decision: Decision; policy: Policy }
  /** A proven credential used from outside its IP allowlist. */
  | { ok: false; failure: "ip_not_allowed" }
  /** A proven credential with no credits left; `retryAfterSeconds` until the next refill, null when none is due. */
  | { ok: false; failure: "credits_exhausted"; retryAfterSeconds: number | null }
  | { ok: false; failure: Extract<AuthFailure, "unknown" | "invalid_secret" | "disabled" | "expired"> }
  /** The record changed under three verifications in a row: retry. */
  | { ok: false; failure: "busy" };

/** How each refusal of a known credential is named in its usage (`core/credentials/usage.ts`). */
export const REFUSAL_OUTCOME = {
  invalid_secret: "wrong_secret",
  disabled: "disabled",
  expired: "expired",
  ip_not_allowed: "ip_refused",
  credits_exhausted: "credits_exhausted",
} as const satisfies Record<string, UsageOutcome>;

/** The home's RPC methods. */
export interface CredentialHome extends Rpc.DurableObjectBranded {
  verify(req: VerifyRequest): Promise<VerifyOutcome>;
  /** What the home knows now of the credential's use; `credits`: its setting as stored. */
  live(credits: Credits | null): LiveUse;
  /** Its usage by outcome over `from`..`to` (see core/credentials/usage.ts). */
  series(granularity: Granularity, from: number | undefined, to: number | undefined, credits: Credits | null): UsageSeries & LiveUse;
  hold(holdId: string, until: number): void;
  release(holdId: string): void;
}
