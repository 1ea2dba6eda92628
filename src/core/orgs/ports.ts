/**
 * The storage ports of orgs: members and memberships, the audit log's reads,
 * the bootstrap of a first owner; and `Repository`, every port of credentials
 * and orgs in one. The services take the composed `Repository`: their writes
 * cross concerns (a membership change deletes credentials, a bootstrap issues
 * a key), and one object per request is simpler to build than five.
 */
import type { AuditAction, AuditEvent } from "../shared/audit-events";
import type { Credential, Org, Principal, Role } from "../shared/model";
import type { CredentialStore, VerificationStore } from "../credentials/ports";
import type { CredentialRef } from "../credentials/verification-cache";

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

/** An event as read back, with the email of the principal who acted (null when none, or gone since). */
export type StoredAuditEvent = AuditEvent & { actorEmail: string | null };

/** Reads of the audit log; its writes ride in the batches of the changes they record. */
export interface AuditLog {
  /** An org's audit events, newest first. */
  listAuditEvents(query: AuditQuery): Promise<StoredAuditEvent[]>;
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
