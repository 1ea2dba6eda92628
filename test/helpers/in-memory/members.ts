/**
 * Orgs, principals and memberships in memory, after `src/db/members.ts`: a
 * membership change is applied in the order of the D1 batch, as one
 * transaction, and fails whole with `lastOwner()` when the org would be left
 * without an owner.
 */
import type { Org, Principal, Role } from "../../../src/core/shared/model";
import type { Member, MembershipChange, MemberStore } from "../../../src/core/orgs/ports";
import { type CredentialRef, refOf } from "../../../src/core/credentials/verification-cache";
import { type Tables, copy } from "./tables";

/** Inviting never demotes an owner; inviting into Owners promotes. */
const inviteRole =
  (invited: Role) =>
  (existing: Role): Role =>
    invited === "owner" ? "owner" : existing;

/** `MemberStore` on the in-memory tables. */
export class MemoryMemberStore implements MemberStore {
  constructor(private readonly t: Tables) {}

  async findMembership(principalId: string, which: { name: string } | { id: string }): Promise<{ org: Org; role: Role } | null> {
    const org = "name" in which ? this.t.orgByName(which.name) : this.t.orgs.get(which.id);
    const membership = org && this.t.membership(org.id, principalId);
    return org && membership ? { org: copy(org), role: membership.role } : null;
  }

  async findServiceAccount(orgId: string, id: string): Promise<Principal | null> {
    const principal = this.t.principals.get(id);
    return principal?.kind === "service_account" && this.t.membership(orgId, id) ? copy(principal) : null;
  }

  async findUsersSharingAnOrg(ids: string[], principalId: string): Promise<Principal[]> {
    const mine = new Set([...this.t.memberships.values()].filter((m) => m.principalId === principalId).map((m) => m.orgId));
    return this.principals().filter(
      (p) =>
        p.kind === "user" &&
        ids.includes(p.id) &&
        [...this.t.memberships.values()].some((m) => m.principalId === p.id && mine.has(m.orgId)),
    );
  }

  async findMembers(orgId: string, match: { ids: string[]; emails: string[] }): Promise<Member[]> {
    return this.t.membershipsOf(orgId).flatMap((m) => {
      const principal = this.t.principals.get(m.principalId);
      const matches = principal && (match.ids.includes(principal.id) || match.emails.includes(principal.email));
      return matches ? [{ principal: copy(principal), role: m.role }] : [];
    });
  }

  async countOwners(orgId: string): Promise<number> {
    return this.t.membershipsOf(orgId).filter((m) => m.role === "owner").length;
  }

  async changeMembership(change: MembershipChange): Promise<{ invited: Principal[]; deleted: CredentialRef[] }> {
    const { orgId, now } = change;
    return this.t.atomically(() => {
      const addMember = (principal: Principal | undefined, role: Role) => {
        if (principal) this.t.upsertMembership({ orgId, principalId: principal.id, role, createdAt: now }, inviteRole(role));
      };
      for (const { email, newId, role } of change.inviteEmails) {
        if (!this.t.userByEmail(email)) {
          this.t.insertPrincipal({ id: newId, kind: "user", email, givenName: null, familyName: null, name: null, createdAt: now });
        }
        addMember(this.t.userByEmail(email), role);
      }
      for (const { id, role } of change.inviteIds) {
        const principal = this.t.principals.get(id);
        addMember(principal?.kind === "user" ? principal : undefined, role);
      }
      for (const { principal, role, token } of change.serviceAccounts) {
        this.t.insertPrincipal({ ...principal, kind: "service_account", givenName: null, familyName: null });
        addMember(principal, role);
        if (token) this.t.insertCredential(token);
      }
      const deleted: CredentialRef[] = [];
      for (const { id, kind } of change.remove) {
        for (const c of [...this.t.credentials.values()]) {
          if (c.orgId === orgId && c.principalId === id) {
            this.t.credentials.delete(c.id);
            deleted.push(refOf(c));
          }
        }
        this.t.deleteMembership(orgId, id);
        // A service account exists only in its org.
        if (kind === "service_account" && this.t.principals.get(id)?.kind === "service_account") this.t.deletePrincipal(id);
      }
      for (const { event, targetEmail } of change.events) {
        // Invited by email: the target is whoever holds that email now (created above if new).
        const target = targetEmail === undefined ? { id: event.targetId } : this.t.userByEmail(targetEmail);
        if (target) this.t.events.push(copy({ ...event, targetId: target.id }));
      }
      const emails = change.inviteEmails.map((i) => i.email);
      const ids = change.inviteIds.map((i) => i.id);
      const invited = this.principals().filter((p) => p.kind === "user" && (emails.includes(p.email) || ids.includes(p.id)));
      return { invited, deleted };
    });
  }

  private principals(): Principal[] {
    return [...this.t.principals.values()].map(copy);
  }
}
