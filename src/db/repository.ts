/**
 * Storage interface of the core. One implementation (`d1-repository.ts`);
 * tests run it against a real D1 inside workerd rather than mocking it.
 */
import type { AuditAction, AuditEvent } from "../core/audit";
import type { SecretHash } from "../core/hashing";
import type { CredentialRef } from "../core/verification-cache";
import type { Caller, Credential, CredentialKind, Org, OwnedCredential, Principal, Role } from "../core/model";

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

export interface CredentialListQuery {
  kind: CredentialKind;
  orgId?: string;
  principalId?: string;
  name?: string;
  ids?: string[];
  /** Case-insensitive substring of the name. */
  search?: string;
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
  >
>;

export interface BootstrapInput {
  org: Org;
  user: Principal;
  /** The key to issue; its orgId/principalId are ignored and resolved from the names above. */
  credential: Credential;
  now: number;
  /** Its event; org id and target id are resolved from the org's name. */
  event: AuditEvent;
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

export interface AuditQuery {
  orgId: string;
  targetId?: string;
  action?: AuditAction;
  since?: number;
  until?: number;
  startingAfter?: string;
  endingBefore?: string;
  limit: number;
}

export interface Member {
  principal: Principal;
  role: Role;
}

export interface Repository {
  /** Everything verification needs about a key or Braintrust service token, in one read; null if it or its membership is gone. */
  getCaller(credentialId: string): Promise<Caller | null>;
  /** The homes of the credentials matching every filter given (none given: none). */
  findCredentialRefs(query: CredentialRefQuery): Promise<CredentialRef[]>;
  /** The org named (or with the id) given, if `principalId` is a member of it. */
  findMembership(principalId: string, org: { name: string } | { id: string }): Promise<{ org: Org; role: Role } | null>;
  /** A service account that is a member of `orgId`. */
  findServiceAccount(orgId: string, id: string): Promise<Principal | null>;
  /** Users with these ids that share at least one org with `principalId`. */
  findUsersSharingAnOrg(ids: string[], principalId: string): Promise<Principal[]>;
  /** Members of `orgId` matching any of these ids or emails. */
  findMembers(orgId: string, match: { ids: string[]; emails: string[] }): Promise<Member[]>;
  countOwners(orgId: string): Promise<number>;
  /** Applies a membership change atomically; returns the invited users as stored and the credentials it deleted. */
  changeMembership(change: MembershipChange): Promise<{ invited: Principal[]; deleted: CredentialRef[] }>;
  /** An org's audit events, newest first. */
  listAuditEvents(query: AuditQuery): Promise<AuditEvent[]>;
  /** The Access service token with this client id. */
  findAccessToken(clientId: string): Promise<Credential | null>;
  /** Stores a new credential and its event in one batch. */
  insertCredential(credential: Credential, event: AuditEvent): Promise<void>;
  /**
   * Re-stores a secret's hash (the current one, or the previous one in its grace
   * period) under the current pepper, only if the stored hash is still exactly
   * the one that was verified: a rotation in between is never undone. Not an
   * update: no revision bump.
   */
  upgradeHash(id: string, which: "current" | "previous", verified: SecretHash, upgraded: SecretHash): Promise<void>;
  /** Records a use at `now` unless one at or after `staleBefore` is already recorded. Not an update: no revision bump. */
  touchCredential(id: string, now: number, staleBefore: number): Promise<void>;
  listCredentials(query: CredentialListQuery): Promise<OwnedCredential[]>;
  /** How many credentials match the query's filters (cursors, offset and limit ignored). */
  countCredentials(query: CredentialListQuery): Promise<number>;
  /**
   * Applies `changes` if the credential is still at `revision` (and bumps it);
   * null when it is gone or was changed in between.
   */
  updateCredential(
    scope: CredentialScope,
    revision: number,
    changes: CredentialChanges,
    event: AuditEvent,
  ): Promise<OwnedCredential | null>;
  getCredential(scope: CredentialScope): Promise<OwnedCredential | null>;
  /**
   * Deletes every credential of the same kind and name in the same org and
   * inserts `credential`, in one transaction. Returns the credentials replaced.
   * The event's action becomes `service_token.replace` when any was, with `replaced`
   * in its changes.
   */
  replaceCredentialByName(credential: Credential, event: AuditEvent): Promise<CredentialRef[]>;
  /** Deletes and returns what was deleted, atomically; null when nothing matched the scope. */
  /** Deletes, with `event`, whose org, target and changes (`{name}`) are taken from the deleted row. */
  deleteCredential(scope: CredentialScope, event: AuditEvent): Promise<OwnedCredential | null>;
  /** Creates the org and user when missing, makes the user an owner and stores the key, in one batch. */
  bootstrap(input: BootstrapInput): Promise<{ org: Org; user: Principal }>;
}
