/**
 * The storage ports of the core: what the core services (and a credential's
 * home) need from storage, in the core's own terms. The core owns these
 * contracts and imports nothing from `src/db/`; `src/db/d1-repository.ts` is
 * the production implementation, `test/helpers/in-memory-repository.ts` the
 * one the core's unit tests run on.
 *
 * One port per concern (credentials, their verification, members and orgs,
 * the audit log, bootstrap), each an interface of its own, so that every
 * implementation can be read and split the same way and a reader finds a
 * contract next to its neighbours. The services take the composed
 * `Repository`: their writes cross concerns (a membership change deletes
 * credentials, a bootstrap issues a key), and one object per request is
 * simpler to build than five.
 */
import type { AuditAction, AuditEvent } from "./audit";
import type { SecretHash } from "./hashing";
import type { Caller, Credential, CredentialKind, Org, OwnedCredential, Principal, Role } from "./model";
import type { CredentialRef } from "./verification-cache";

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
  /**
   * Records a use at `now` unless one at or after `staleBefore` is already recorded, and with it
   * the credits the home counts (only while the credits it counts are still the ones set).
   */
  touchCredential(id: string, now: number, staleBefore: number, credits?: CreditsNote): Promise<void>;
  /** The credits set at `setAt` ran out at `at`: written at once, with the use (raises `credential.credits_exhausted`). */
  noteCreditsExhausted(id: string, setAt: number, at: number): Promise<void>;
}

// ─── Members and orgs ───────────────────────────────────────────────────────

/** A principal and its role in one org. */
export interface Member {
  principal: Principal;
  role: Role;
}

/** Everything one `PATCH /v1/organization/members` changes, written in one batch. */
export interface MembershipChange {
  orgId: string;
  now: number;
  /** Users by email: created when missing, then made members with `role`. */
  inviteEmails: { email: string; newId: string; role: Role }[];
  /** Existing users by id. */
  inviteIds: { id: string; role: Role }[];
  /** New service accounts, each with an optional first token. */
  serviceAccounts: { principal: Principal; role: Role; token: Credential | null }[];
  /** Members to remove; their credentials in the org go too, and a service account is deleted whole. */
  remove: Principal[];
  /** Events of the change; an invite by email targets the principal of that email, whoever created it. */
  events: { event: AuditEvent; targetEmail?: string }[];
}

/** Orgs, principals and memberships. */
export interface MemberStore {
  /** The org named (or with the id) given, if `principalId` is a member of it. */
  findMembership(principalId: string, org: { name: string } | { id: string }): Promise<{ org: Org; role: Role } | null>;
  /** A service account that is a member of `orgId`. */
  findServiceAccount(orgId: string, id: string): Promise<Principal | null>;
  /** Users with these ids that share at least one org with `principalId`. */
  findUsersSharingAnOrg(ids: string[], principalId: string): Promise<Principal[]>;
  /** Members of `orgId` matching any of these ids or emails. */
  findMembers(orgId: string, match: { ids: string[]; emails: string[] }): Promise<Member[]>;
  /** How many owners `orgId` has. */
  countOwners(orgId: string): Promise<number>;
  /**
   * Applies a membership change atomically; returns the invited users as stored
   * and the credentials it deleted. Inviting never demotes an owner; a change
   * that would leave the org without an owner fails whole with `lastOwner()`.
   */
  changeMembership(change: MembershipChange): Promise<{ invited: Principal[]; deleted: CredentialRef[] }>;
}

// ─── Audit ──────────────────────────────────────────────────────────────────

/** One page of an org's audit events (every filter given must match). */
export interface AuditQuery {
  orgId: string;
  targetId?: string;
  action?: AuditAction;
  /** `at >= since` and `at < until`. */
  since?: number;
  until?: number;
  /** Keyset cursors on the (time-ordered) id; at most one of the two. */
  startingAfter?: string;
  endingBefore?: string;
  limit: number;
}

/** Reads of the audit log; its writes ride in the batches of the changes they record. */
export interface AuditLog {
  /** An org's audit events, newest first. */
  listAuditEvents(query: AuditQuery): Promise<AuditEvent[]>;
}

// ─── Bootstrap ──────────────────────────────────────────────────────────────

/** What a bootstrap stores: org and user as minted for the request (used only when missing), the first key and its event. */
export interface BootstrapInput {
  /** Found by name when it exists; created with this id otherwise. */
  org: Org;
  /**
   * The operator chose the org's id (its account id, named in configuration before the org
   * exists): nothing is written unless the org with this name is the org with this id, or neither
   * exists yet; a `conflict` otherwise.
   */
  pinnedId: boolean;
  user: Principal;
  /** The key to issue; its orgId/principalId are ignored and resolved from the names above. */
  credential: Credential;
  now: number;
  /** Its event; org id and target id are resolved from the org's name. */
  event: AuditEvent;
}

/** The first owner of an org. */
export interface BootstrapStore {
  /**
   * Creates the org (by name) and the user (by email) when missing, fills in a
   * missing given or family name, makes the user an owner and stores the key,
   * in one batch. Returns the org and user as stored.
   */
  bootstrap(input: BootstrapInput): Promise<{ org: Org; user: Principal }>;
}

/** Every port in one: what the services are built with. */
export interface Repository extends CredentialStore, VerificationStore, MemberStore, AuditLog, BootstrapStore {}
