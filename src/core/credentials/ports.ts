/**
 * The storage ports of credentials: what the credential services and a
 * credential's home need from storage, in the core's own terms. The core owns
 * these contracts and imports nothing from `src/db/`; `src/db/` implements
 * them (`d1-repository.ts` composes the whole `Repository`, `core/orgs/ports.ts`),
 * `test/helpers/in-memory-repository.ts` keeps them in memory for unit tests.
 */
import type { AuditEvent } from "../shared/audit-events";
import type { SecretHash } from "./hashing";
import type { Caller, Credential, CredentialKind, OwnedCredential } from "../shared/model";
import type { CredentialRef } from "./verification-cache";
import type { InactivityAction } from "../access/ports";
import type { DayReport, Granularity, Tally, UsageSeries } from "./usage";
import type { Credits } from "../shared/policy";

// ─── Credentials ────────────────────────────────────────────────────────────

/** Which credential, seen from whom: every read and write names its org or owner. */
export interface CredentialScope {
  id: string;
  kind: CredentialKind;
  orgId?: string;
  principalId?: string;
  /** Only in orgs this principal is a member of. */
  visibleTo?: string;
}

/** Which credentials a write is about to touch (every filter given must match). */
export interface CredentialRefQuery {
  orgId?: string;
  orgName?: string;
  kind?: CredentialKind;
  name?: string;
  /** Owned by any of these principals, or by users with any of these emails. */
  principalIds?: string[];
  userEmails?: string[];
  /** Only credentials whose owner is not an owner of their org (those a promotion changes). */
  ownerNotOwner?: boolean;
}

/** One page of credentials of one kind (every filter given must match). */
export interface CredentialListQuery {
  kind: CredentialKind;
  orgId?: string;
  principalId?: string;
  name?: string;
  ids?: string[];
  /** Case-insensitive substring of the name. */
  search?: string;
  /** Only credentials with an expiry before this time (ms). */
  expiresBefore?: number;
  /** Keyset cursors on the (time-ordered) id; at most one of the two. */
  startingAfter?: string;
  endingBefore?: string;
  /** Page-numbered lists (Cloudflare's) skip rows and read oldest first. */
  offset?: number;
  oldestFirst?: boolean;
  limit: number;
}

/** The fields an update may change. */
export type CredentialChanges = Partial<
  Pick<
    Credential,
    | "name"
    | "secretHash"
    | "hashVersion"
    | "prevSecretHash"
    | "prevHashVersion"
    | "prevExpiresAt"
    | "duration"
    | "secretVersion"
    | "enabled"
    | "expiresAt"
    | "updatedAt"
    | "lastUsedAt"
    | "policy"
    | "creditsRemaining"
  >
>;

/** Credentials as the core manages them. Every write carries its audit event and stores it only with the change. */
export interface CredentialStore {
  /** The homes of the credentials matching every filter given (none given: none). */
  findCredentialRefs(query: CredentialRefQuery): Promise<CredentialRef[]>;
  /** Newest first by id (oldest first with `oldestFirst`); listed rows carry no hashes. */
  listCredentials(query: CredentialListQuery): Promise<OwnedCredential[]>;
  /** How many credentials match the query's filters (cursors, offset and limit ignored). */
  countCredentials(query: CredentialListQuery): Promise<number>;
  /** The credential in `scope`, with its hashes and owner; null when there is none there. */
  getCredential(scope: CredentialScope): Promise<OwnedCredential | null>;
  /** Stores a new credential and its event in one batch. */
  insertCredential(credential: Credential, event: AuditEvent): Promise<void>;
  /**
   * Applies `changes` if the credential is still at `revision` (and bumps it);
   * null when it is gone or was changed in between. The returned owner is always
   * null: Access tokens have none, and an update never changes the others'.
   */
  updateCredential(
    scope: CredentialScope,
    revision: number,
    changes: CredentialChanges,
    event: AuditEvent,
  ): Promise<OwnedCredential | null>;
  /**
   * Deletes every credential of the same kind and name in the same org and
   * inserts `credential`, in one transaction. Returns the credentials replaced.
   * The event's action becomes `service_token.replace` when any was, with `replaced`
   * in its changes.
   */
  replaceCredentialByName(credential: Credential, event: AuditEvent): Promise<CredentialRef[]>;
  /**
   * Deletes and returns what was deleted, atomically; null when nothing matched
   * the scope. The event's org, target and changes (`{name}`) are taken from the
   * deleted row, and it is stored only if a row was.
   */
  deleteCredential(scope: CredentialScope, event: AuditEvent): Promise<OwnedCredential | null>;
}

// ─── Verification (a credential's home) ────────────────────────────────────

/** Credits left as the home counts them, for the credits set at `setAt`. */
export interface CreditsNote {
  setAt: number;
  remaining: number;
}

/** What a credential's home reads and writes: one read per record, and writes that are not updates (no revision bump, no event). */
export interface VerificationStore {
  /** Everything verification needs about a key or Braintrust service token, in one read; null if it or its membership is gone. */
  getCaller(credentialId: string): Promise<Caller | null>;
  /** The Access service token with this client id. */
  findAccessToken(clientId: string): Promise<Credential | null>;
  /**
   * Re-stores a secret's hash (the current one, or the previous one in its grace
   * period) under the current pepper, only if the stored hash is still exactly
   * the one that was verified: a rotation in between is never undone.
   */
  upgradeHash(id: string, which: "current" | "previous", verified: SecretHash, upgraded: SecretHash): Promise<void>;
  /** The credits set at `setAt` ran out at `at`: written at once, with the use (raises `credential.credits_exhausted`). */
  noteCreditsExhausted(id: string, setAt: number, at: number): Promise<void>;
}

// ─── Inactive Access tokens (the cron's cleanup) ─────────────────────────────

/** A token the sweep may retire, with its account's rule. */
export interface IdleToken {
  id: string;
  orgId: string;
  clientId: string;
  name: string;
  enabled: boolean;
  lastUsedAt: number | null;
  createdAt: number;
  thresholdDays: number;
  action: InactivityAction;
}

/** One retirement, re-checked inside the write. */
export interface Retirement {
  token: IdleToken;
  /** Still idle means unused and created before this time. */
  cutoff: number;
  event: AuditEvent;
}

export interface InactiveTokenStore {
  /** Up to `limit` retirable tokens at `now`, longest idle first: an index range of what is due. */
  idleTokens(now: number, limit: number): Promise<IdleToken[]>;
  /** Applies the retirements still due, in one batch; answers the ids changed. */
  retire(items: Retirement[], now: number): Promise<string[]>;
}

// ─── Usage (see usage.ts) ────────────────────────────────────────────────────

/** A home's hourly report: the days its finished hours touched, its last admitted request, its credits. */
export interface UsageReport {
  id: string;
  days: DayReport[];
  lastUsedAt: number | null;
  credits: CreditsNote | null;
}

/** Where homes send their reports (a queue, so that D1 takes them in batches). */
export interface UsageOutbox {
  send(report: UsageReport): Promise<void>;
}

/** D1's side: a batch of reports in a fixed number of statements, whatever its size; resending one changes nothing. */
export interface UsageTotalsStore {
  /** Answers the number of D1 statements it took. */
  apply(reports: UsageReport[]): Promise<number>;
}

/** What a credential's home knows now of its use: exact, unlike D1's copy, which lags by up to a report. */
export interface LiveUse {
  lastUsedAt: number | null;
  creditsRemaining: number | null;
}

/** The homes' read side for usage: one call to the credential's home. */
export interface UsageReader {
  /** `credits`: the credential's setting as stored (the home counts against it). */
  live(ref: CredentialRef, credits: Credits | null): Promise<LiveUse>;
  series(query: SeriesQuery): Promise<UsageSeries & LiveUse>;
}

export interface SeriesQuery {
  ref: CredentialRef;
  credits: Credits | null;
  granularity: Granularity;
  /** Absent: the home's defaults, by its clock (`DEFAULT_SPAN_MS`). */
  from?: number;
  to?: number;
}

// The org-wide ranking (usage-service.ts), read from D1's daily totals.

export interface RankedCredential {
  credential: Credential;
  requests: number;
  tally: Tally;
}

/** After `after` (the last row of the previous page). */
export interface RankQuery {
  orgId: string;
  from: number;
  to: number;
  order: "asc" | "desc";
  limit: number;
  kind?: CredentialKind;
  after?: { requests: number; id: string };
}

/** D1's side of the org-wide list. */
export interface UsageRanking {
  rank(query: RankQuery): Promise<RankedCredential[]>;
}
