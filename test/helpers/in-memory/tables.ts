/**
 * The rows of the in-memory repository, and the integrity D1 keeps for them
 * (migrations/): primary keys, the unique org name, user email and client id,
 * foreign keys with their cascades, and the keep-an-owner triggers of
 * 0004_keep_an_owner.sql. Test code only: pure TypeScript, no Cloudflare API.
 */
import type { AuditEvent } from "../../../src/core/shared/audit-events";
import { lastOwner } from "../../../src/core/shared/errors";
import type { Credential, Org, Principal, Role } from "../../../src/core/shared/model";

/** One row of `memberships`. */
export interface MembershipRow {
  orgId: string;
  principalId: string;
  role: Role;
  createdAt: number;
}

/** Raised where D1 would raise a constraint error: the whole change is rolled back. */
export class ConstraintError extends Error {}

/** Copies in and out, as rows are: a caller never holds a stored object (ArrayBuffers included). */
export const copy = <T>(value: T): T => structuredClone(value);

const membershipKey = (orgId: string, principalId: string) => `${orgId} ${principalId}`;

/** The in-memory database: its rows and the constraints D1 enforces on them. */
export class Tables {
  orgs = new Map<string, Org>();
  principals = new Map<string, Principal>();
  memberships = new Map<string, MembershipRow>();
  credentials = new Map<string, Credential>();
  /** In the order they were written. */
  events: AuditEvent[] = [];

  /** Runs `change` as one transaction: a throw leaves every table as it was, as D1 rolls back a failed batch. */
  atomically<T>(change: () => T): T {
    const before = copy({
      orgs: this.orgs,
      principals: this.principals,
      memberships: this.memberships,
      credentials: this.credentials,
      events: this.events,
    });
    try {
      return change();
    } catch (err) {
      Object.assign(this, before);
      throw err;
    }
  }

  membership(orgId: string, principalId: string | null): MembershipRow | undefined {
    return principalId === null ? undefined : this.memberships.get(membershipKey(orgId, principalId));
  }

  membershipsOf(orgId: string): MembershipRow[] {
    return [...this.memberships.values()].filter((m) => m.orgId === orgId);
  }

  orgByName(name: string): Org | undefined {
    return [...this.orgs.values()].find((o) => o.name === name);
  }

  userByEmail(email: string): Principal | undefined {
    return [...this.principals.values()].find((p) => p.kind === "user" && p.email === email);
  }

  insertOrg(org: Org): void {
    if (this.orgs.has(org.id) || this.orgByName(org.name)) throw new ConstraintError("UNIQUE constraint failed: orgs");
    this.orgs.set(org.id, copy(org));
  }

  insertPrincipal(principal: Principal): void {
    if (this.principals.has(principal.id)) throw new ConstraintError("UNIQUE constraint failed: principals.id");
    if (principal.kind === "user" && this.userByEmail(principal.email))
      throw new ConstraintError("UNIQUE constraint failed: principals.email");
    this.principals.set(principal.id, copy(principal));
  }

  insertCredential(credential: Credential): void {
    if (this.credentials.has(credential.id)) throw new ConstraintError("UNIQUE constraint failed: credentials.id");
    if (credential.clientId !== null && [...this.credentials.values()].some((c) => c.clientId === credential.clientId)) {
      throw new ConstraintError("UNIQUE constraint failed: credentials.client_id");
    }
    if (!this.orgs.has(credential.orgId)) throw new ConstraintError("FOREIGN KEY constraint failed: credentials.org_id");
    if (credential.principalId !== null && !this.principals.has(credential.principalId)) {
      throw new ConstraintError("FOREIGN KEY constraint failed: credentials.principal_id");
    }
    this.credentials.set(credential.id, copy(credential));
  }

  /** Inserts a membership, or on conflict sets the role `onConflict` picks from the existing one. */
  upsertMembership(row: MembershipRow, onConflict: (existing: Role) => Role): void {
    const existing = this.membership(row.orgId, row.principalId);
    if (existing) {
      existing.role = onConflict(existing.role);
      return;
    }
    if (!this.orgs.has(row.orgId) || !this.principals.has(row.principalId))
      throw new ConstraintError("FOREIGN KEY constraint failed: memberships");
    this.memberships.set(membershipKey(row.orgId, row.principalId), { ...row });
  }

  /** Deletes a membership; the org must keep an owner (the trigger of migration 0004 refuses the whole change). */
  deleteMembership(orgId: string, principalId: string): void {
    const row = this.membership(orgId, principalId);
    if (!row) return;
    this.memberships.delete(membershipKey(orgId, principalId));
    if (row.role === "owner" && this.orgs.has(orgId) && !this.membershipsOf(orgId).some((m) => m.role === "owner")) throw lastOwner();
  }

  /** Deletes a principal with its memberships and credentials (ON DELETE CASCADE). */
  deletePrincipal(id: string): void {
    if (!this.principals.delete(id)) return;
    for (const m of [...this.memberships.values()]) if (m.principalId === id) this.deleteMembership(m.orgId, id);
    for (const c of [...this.credentials.values()]) if (c.principalId === id) this.credentials.delete(c.id);
  }
}
