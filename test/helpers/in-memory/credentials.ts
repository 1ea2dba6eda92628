/**
 * Credentials in memory, after `src/db/credentials.ts`: the same filters,
 * ordering by the (time-ordered) UUIDv7 id, compare-and-swap on `revision`,
 * replace by name, and each write's event stored only with its change.
 */
import type { AuditEvent } from "../../../src/core/shared/audit-events";
import type { Credential, OwnedCredential } from "../../../src/core/shared/model";
import type {
  CredentialChanges,
  CredentialListQuery,
  CredentialRefQuery,
  CredentialScope,
  CredentialStore,
} from "../../../src/core/credentials/ports";
import { type CredentialRef, refOf } from "../../../src/core/credentials/verification-cache";
import { type Tables, copy } from "./tables";

/** SQLite's `LIKE` folds ASCII letters only. */
const asciiLower = (text: string) => text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

const byId = (a: Credential, b: Credential) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** `CredentialStore` on the in-memory tables. */
export class MemoryCredentialStore implements CredentialStore {
  constructor(private readonly t: Tables) {}

  async findCredentialRefs(q: CredentialRefQuery): Promise<CredentialRef[]> {
    const filtered = [q.orgId, q.orgName, q.kind, q.name, q.principalIds, q.userEmails].some((v) => v !== undefined) || q.ownerNotOwner;
    // An unfiltered query would name every credential: none.
    if (!filtered) return [];
    const orgOfName = q.orgName === undefined ? undefined : this.t.orgByName(q.orgName)?.id;
    return this.all()
      .filter((c) => {
        if (q.orgId !== undefined && c.orgId !== q.orgId) return false;
        if (q.orgName !== undefined && c.orgId !== orgOfName) return false;
        if (q.kind !== undefined && c.kind !== q.kind) return false;
        if (q.name !== undefined && c.name !== q.name) return false;
        if (q.principalIds || q.userEmails) {
          const owner = c.principalId === null ? undefined : this.t.principals.get(c.principalId);
          const matchesId = owner !== undefined && (q.principalIds ?? []).includes(owner.id);
          const byEmail = owner?.kind === "user" && (q.userEmails ?? []).includes(owner.email);
          if (!matchesId && !byEmail) return false;
        }
        if (q.ownerNotOwner && this.t.membership(c.orgId, c.principalId)?.role === "owner") return false;
        return true;
      })
      .map(refOf);
  }

  async listCredentials(q: CredentialListQuery): Promise<OwnedCredential[]> {
    // Walking backwards reads the rows just above the cursor, oldest first, then flips them.
    const backwards = q.endingBefore !== undefined;
    const ascending = backwards !== Boolean(q.oldestFirst);
    const sorted = this.matching(q, true).sort(byId);
    if (!ascending) sorted.reverse();
    const offset = q.offset ?? 0;
    const page = sorted.slice(offset, offset + q.limit).map((c) => this.owned(listed(c)));
    return backwards ? page.reverse() : page;
  }

  async countCredentials(q: CredentialListQuery): Promise<number> {
    return this.matching(q, false).length;
  }

  async getCredential(scope: CredentialScope): Promise<OwnedCredential | null> {
    const found = this.inScope(scope);
    return found ? this.owned(found) : null;
  }

  async insertCredential(credential: Credential, event: AuditEvent): Promise<void> {
    this.t.atomically(() => {
      this.t.insertCredential(credential);
      this.t.events.push(copy(event));
    });
  }

  async updateCredential(
    scope: CredentialScope,
    revision: number,
    changes: CredentialChanges,
    event: AuditEvent,
  ): Promise<OwnedCredential | null> {
    const current = this.inScope(scope);
    if (!current || current.revision !== revision) return null;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    const updated: Credential = { ...current, ...copy(defined), revision: current.revision + 1 };
    this.t.credentials.set(updated.id, updated);
    this.t.events.push(copy(event));
    return { credential: copy(updated), owner: null };
  }

  async replaceCredentialByName(credential: Credential, event: AuditEvent): Promise<CredentialRef[]> {
    return this.t.atomically(() => {
      const same = this.all().filter((c) => c.orgId === credential.orgId && c.kind === credential.kind && c.name === credential.name);
      for (const c of same) this.t.credentials.delete(c.id);
      const replaced = same.length
        ? { ...event, action: "service_token.replace" as const, changes: { ...event.changes, replaced: same.length } }
        : event;
      this.t.events.push(copy(replaced));
      this.t.insertCredential(credential);
      return same.map(refOf);
    });
  }

  async deleteCredential(scope: CredentialScope, event: AuditEvent): Promise<OwnedCredential | null> {
    const found = this.inScope(scope);
    if (!found) return null;
    const owned = this.owned(found);
    this.t.events.push(copy({ ...event, orgId: found.orgId, targetId: found.id, changes: { name: found.name } }));
    this.t.credentials.delete(found.id);
    return owned;
  }

  private all(): Credential[] {
    return [...this.t.credentials.values()];
  }

  private inScope(scope: CredentialScope): Credential | undefined {
    const c = this.t.credentials.get(scope.id);
    if (!c || c.kind !== scope.kind) return undefined;
    if (scope.orgId !== undefined && c.orgId !== scope.orgId) return undefined;
    if (scope.principalId !== undefined && c.principalId !== scope.principalId) return undefined;
    if (scope.visibleTo !== undefined && !this.t.membership(c.orgId, scope.visibleTo)) return undefined;
    return c;
  }

  private matching(q: CredentialListQuery, withCursors: boolean): Credential[] {
    return this.all().filter(
      (c) =>
        c.kind === q.kind &&
        (q.principalId === undefined || c.principalId === q.principalId) &&
        (q.orgId === undefined || c.orgId === q.orgId) &&
        (q.name === undefined || c.name === q.name) &&
        (q.search === undefined || asciiLower(c.name).includes(asciiLower(q.search))) &&
        (q.ids === undefined || q.ids.includes(c.id)) &&
        (q.expiresBefore === undefined || (c.expiresAt !== null && c.expiresAt < q.expiresBefore)) &&
        (!withCursors || q.startingAfter === undefined || c.id < q.startingAfter) &&
        (!withCursors || q.endingBefore === undefined || c.id > q.endingBefore),
    );
  }

  /** A copy of `c` with its owner (null for Access tokens). */
  private owned(c: Credential): OwnedCredential {
    const owner = c.principalId === null ? undefined : this.t.principals.get(c.principalId);
    return { credential: copy(c), owner: owner ? copy(owner) : null };
  }
}

/** As listed: without hashes (an empty hash never verifies). */
const listed = (c: Credential): Credential => ({ ...c, secretHash: new ArrayBuffer(0), prevSecretHash: null });
