/**
 * Orgs, principals and memberships in D1: the lookups the core makes before a
 * membership change, and the change itself in one batch.
 */
import { lastOwner } from "../core/shared/errors";
import type { Org, Principal, Role } from "../core/shared/model";
import type { Member, MembershipChange, MemberStore } from "../core/orgs/ports";
import type { CredentialRef } from "../core/credentials/verification-cache";
import { insertEvent } from "./audit";
import { insertCredentialStatement } from "./credentials";
import { auditToRow } from "./rows/audit";
import { type CredentialRefRow, REF_COLUMNS, refFromRow } from "./rows/credentials";
import {
  ORG_SELECT,
  OWNER_SELECT,
  orgFromRow,
  principalFromRow,
  ROLE_SELECT,
  type SelectedOrg,
  type SelectedPrincipal,
  type SelectedRole,
} from "./rows/principals";
import type { CountRow } from "./rows/shared";
import { type Params, insertSelect, prepare } from "./sql";

/** `MemberStore` on D1. */
export class D1MemberStore implements MemberStore {
  constructor(private readonly db: D1Database) {}

  async findMembership(principalId: string, org: { name: string } | { id: string }): Promise<{ org: Org; role: Role } | null> {
    const [column, value] = "name" in org ? ["name", org.name] : ["id", org.id];
    const row = await prepare(
      this.db,
      (p) => `SELECT ${ORG_SELECT}, ${ROLE_SELECT}
         FROM orgs o JOIN memberships m ON m.org_id = o.id
         WHERE o.${column} = ${p.add(value)} AND m.principal_id = ${p.add(principalId)}`,
    ).first<SelectedOrg & SelectedRole>();
    return row ? { org: orgFromRow(row), role: row.m_role } : null;
  }

  async findServiceAccount(orgId: string, id: string): Promise<Principal | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT ${OWNER_SELECT} FROM principals p JOIN memberships m ON m.principal_id = p.id
         WHERE p.id = ${p.add(id)} AND p.kind = 'service_account' AND m.org_id = ${p.add(orgId)}`,
    ).first<SelectedPrincipal>();
    return row ? principalFromRow(row) : null;
  }

  async findUsersSharingAnOrg(ids: string[], principalId: string): Promise<Principal[]> {
    if (!ids.length) return [];
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${OWNER_SELECT} FROM principals p
         WHERE p.kind = 'user' AND p.id IN (${p.list(ids)})
           AND EXISTS (SELECT 1 FROM memberships theirs JOIN memberships mine ON mine.org_id = theirs.org_id
                       WHERE theirs.principal_id = p.id AND mine.principal_id = ${p.add(principalId)})`,
    ).all<SelectedPrincipal>();
    return results.map(principalFromRow);
  }

  async findMembers(orgId: string, match: { ids: string[]; emails: string[] }): Promise<Member[]> {
    if (!match.ids.length && !match.emails.length) return [];
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${OWNER_SELECT}, ${ROLE_SELECT} FROM principals p JOIN memberships m ON m.principal_id = p.id
         WHERE m.org_id = ${p.add(orgId)} AND (p.id IN (${p.list(match.ids)}) OR p.email IN (${p.list(match.emails)}))`,
    ).all<SelectedPrincipal & SelectedRole>();
    return results.map((row) => ({ principal: principalFromRow(row), role: row.m_role }));
  }

  async countOwners(orgId: string): Promise<number> {
    const row = await prepare(
      this.db,
      (p) => `SELECT count(*) AS n FROM memberships WHERE org_id = ${p.add(orgId)} AND role = 'owner'`,
    ).first<CountRow>();
    return row?.n ?? 0;
  }

  async changeMembership(change: MembershipChange): Promise<{ invited: Principal[]; deleted: CredentialRef[] }> {
    const { orgId, now } = change;
    const db = this.db;
    // The principal matched by `which` (it may have been created earlier in the batch) becomes a member.
    const addMember = (role: Role, which: (p: Params) => string) =>
      // Inviting never demotes an owner; inviting into Owners promotes.
      prepare(
        db,
        (p) => `INSERT INTO memberships (org_id, principal_id, role, created_at)
           SELECT ${p.add(orgId)}, id, ${p.add(role)}, ${p.add(now)} FROM principals WHERE ${which(p)}
           ON CONFLICT (org_id, principal_id) DO UPDATE SET role = CASE WHEN excluded.role = 'owner' THEN 'owner' ELSE role END`,
      );
    const statements: D1PreparedStatement[] = [];
    for (const { email, newId, role } of change.inviteEmails) {
      statements.push(
        prepare(
          db,
          (p) => `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
             VALUES (${p.add(newId)}, 'user', ${p.add(email)}, NULL, NULL, NULL, ${p.add(now)}) ON CONFLICT (email) WHERE kind = 'user' DO NOTHING`,
        ),
        addMember(role, (p) => `email = ${p.add(email)} AND kind = 'user'`),
      );
    }
    for (const { id, role } of change.inviteIds) statements.push(addMember(role, (p) => `id = ${p.add(id)} AND kind = 'user'`));
    for (const { principal, role, token } of change.serviceAccounts) {
      statements.push(
        prepare(
          db,
          (p) => `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
             VALUES (${p.add(principal.id)}, 'service_account', ${p.add(principal.email)}, NULL, NULL, ${p.add(principal.name)}, ${p.add(principal.createdAt)})`,
        ),
        addMember(role, (p) => `id = ${p.add(principal.id)}`),
      );
      if (token) statements.push(insertCredentialStatement(db, token));
    }
    // The statements whose RETURNING rows are the credentials the change deletes.
    const credentialDeletes: D1PreparedStatement[] = [];
    for (const { id, kind } of change.remove) {
      const deleteCredentials = prepare(
        db,
        (p) => `DELETE FROM credentials WHERE org_id = ${p.add(orgId)} AND principal_id = ${p.add(id)} RETURNING ${REF_COLUMNS}`,
      );
      credentialDeletes.push(deleteCredentials);
      statements.push(
        deleteCredentials,
        prepare(db, (p) => `DELETE FROM memberships WHERE org_id = ${p.add(orgId)} AND principal_id = ${p.add(id)}`),
      );
      // A service account exists only in its org.
      if (kind === "service_account") {
        statements.push(prepare(db, (p) => `DELETE FROM principals WHERE id = ${p.add(id)} AND kind = 'service_account'`));
      }
    }
    for (const { event, targetEmail } of change.events) {
      statements.push(
        targetEmail === undefined
          ? insertEvent(db, event)
          : // Invited by email: the target is whoever holds that email now (created above if new).
            prepare(
              db,
              (p) => `${insertSelect(p, "audit_events", auditToRow(event), { target_id: "p.id" })}
                 FROM principals p WHERE p.email = ${p.add(targetEmail)} AND p.kind = 'user'`,
            ),
      );
    }
    const emails = change.inviteEmails.map((i) => i.email);
    const ids = change.inviteIds.map((i) => i.id);
    const invitedUsers = prepare(
      db,
      (p) => `SELECT ${OWNER_SELECT} FROM principals p
         WHERE p.kind = 'user' AND (p.email IN (${p.list(emails)}) OR p.id IN (${p.list(ids)}))`,
    );
    statements.push(invitedUsers);
    let results: D1Result[];
    try {
      results = await db.batch(statements);
    } catch (err) {
      // The keep-an-owner triggers (migration 0004) refused the batch: a concurrent removal got there first.
      if (err instanceof Error && err.message.includes("last_owner")) throw lastOwner();
      throw err;
    }
    // A batch answers its statements in order: each statement's rows are found by the statement.
    const rowsOf = <T>(statement: D1PreparedStatement) => (results[statements.indexOf(statement)]?.results ?? []) as T[];
    return {
      invited: rowsOf<SelectedPrincipal>(invitedUsers).map(principalFromRow),
      deleted: credentialDeletes.flatMap((statement) => rowsOf<CredentialRefRow>(statement).map(refFromRow)),
    };
  }
}
