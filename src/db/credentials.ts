/**
 * Credentials in D1: lists, scoped reads, and the writes, each in one batch
 * with its audit event (conditional on the change where it may not happen).
 */
import type { AuditEvent } from "../core/shared/audit-events";
import type { Credential, OwnedCredential } from "../core/shared/model";
import type {
  CredentialChanges,
  CredentialListQuery,
  CredentialRefQuery,
  CredentialScope,
  CredentialStore,
} from "../core/credentials/ports";
import type { CredentialRef } from "../core/credentials/verification-cache";
import { insertEvent } from "./audit";
import { auditToRow } from "./rows/audit";
import {
  CREDENTIAL_RETURNING,
  CREDENTIAL_SELECT,
  type CredentialRefRow,
  credentialFromRow,
  credentialToRow,
  foldName,
  LISTED_SELECT,
  ownedFromRow,
  policyText,
  REF_COLUMNS,
  refFromRow,
  type SelectedCredential,
  type SelectedOwnedCredential,
} from "./rows/credentials";
import { OWNER_SELECT } from "./rows/principals";
import type { CountRow } from "./rows/shared";
import { Params, insertSelect, insertValues, likeSubstring, prepare } from "./sql";

/** Column of each updatable field. */
const COLUMN_OF: Record<keyof CredentialChanges, string> = {
  name: "name",
  secretHash: "secret_hash",
  hashVersion: "hash_version",
  prevSecretHash: "prev_secret_hash",
  prevHashVersion: "prev_hash_version",
  prevExpiresAt: "prev_expires_at",
  duration: "duration",
  secretVersion: "secret_version",
  enabled: "enabled",
  expiresAt: "expires_at",
  updatedAt: "updated_at",
  lastUsedAt: "last_used_at",
  policy: "policy",
  creditsRemaining: "credits_remaining",
};

/** A changed field as its column stores it. */
const columnValue = (key: keyof CredentialChanges, v: unknown) =>
  key === "enabled" ? (v ? 1 : 0) : key === "policy" ? policyText(v as Credential["policy"]) : v;

/** The INSERT of a new credential, to put in a batch. */
export const insertCredentialStatement = (db: D1Database, credential: Credential) =>
  prepare(db, (p) => insertValues(p, "credentials", credentialToRow(credential)));

/** Conditions of a query for the credentials a write is about to touch (on `credentials c`); none for an empty query. */
function refFilter(p: Params, q: CredentialRefQuery): string[] {
  const where: string[] = [];
  if (q.orgId !== undefined) where.push(`c.org_id = ${p.add(q.orgId)}`);
  if (q.orgName !== undefined) where.push(`c.org_id = (SELECT id FROM orgs WHERE name = ${p.add(q.orgName)})`);
  if (q.kind !== undefined) where.push(`c.kind = ${p.add(q.kind)}`);
  if (q.name !== undefined) where.push(`c.name = ${p.add(q.name)}`);
  if (q.principalIds || q.userEmails) {
    const ids = p.list(q.principalIds ?? []);
    const emails = p.list(q.userEmails ?? []);
    where.push(`c.principal_id IN (SELECT id FROM principals WHERE id IN (${ids}) OR (kind = 'user' AND email IN (${emails})))`);
  }
  if (q.ownerNotOwner) {
    where.push(
      "NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = c.org_id AND m.principal_id = c.principal_id AND m.role = 'owner')",
    );
  }
  return where;
}

/** WHERE clause of a list query (on `credentials c`); cursors only when `withCursors`. */
function listFilter(p: Params, q: CredentialListQuery, withCursors: boolean): string {
  const where = [`c.kind = ${p.add(q.kind)}`];
  if (q.principalId !== undefined) where.push(`c.principal_id = ${p.add(q.principalId)}`);
  if (q.orgId !== undefined) where.push(`c.org_id = ${p.add(q.orgId)}`);
  if (q.name !== undefined) where.push(`c.name = ${p.add(q.name)}`);
  if (q.search !== undefined) where.push(`c.name_folded LIKE ${p.add(likeSubstring(foldName(q.search)))} ESCAPE '\\'`);
  if (q.ids) where.push(`c.id IN (${p.list(q.ids)})`);
  if (q.expiresBefore !== undefined) where.push(`c.expires_at IS NOT NULL AND c.expires_at < ${p.add(q.expiresBefore)}`);
  if (withCursors && q.startingAfter !== undefined) where.push(`c.id < ${p.add(q.startingAfter)}`);
  if (withCursors && q.endingBefore !== undefined) where.push(`c.id > ${p.add(q.endingBefore)}`);
  return where.join(" AND ");
}

/** WHERE clause of a scoped single-credential statement (on `credentials c`). */
function scopeWhere(p: Params, scope: CredentialScope): string {
  const where = [`c.id = ${p.add(scope.id)}`, `c.kind = ${p.add(scope.kind)}`];
  if (scope.orgId !== undefined) where.push(`c.org_id = ${p.add(scope.orgId)}`);
  if (scope.principalId !== undefined) where.push(`c.principal_id = ${p.add(scope.principalId)}`);
  if (scope.visibleTo !== undefined) {
    where.push(`c.org_id IN (SELECT org_id FROM memberships WHERE principal_id = ${p.add(scope.visibleTo)})`);
  }
  return where.join(" AND ");
}

/** `CredentialStore` on D1. */
export class D1CredentialStore implements CredentialStore {
  constructor(private readonly db: D1Database) {}

  async findCredentialRefs(q: CredentialRefQuery): Promise<CredentialRef[]> {
    const p = new Params();
    const where = refFilter(p, q);
    // An unfiltered query would name every credential: refuse to guess.
    if (!where.length) return [];
    const { results } = await this.db
      .prepare(`SELECT ${REF_COLUMNS} FROM credentials c WHERE ${where.join(" AND ")}`)
      .bind(...p.values)
      .all<CredentialRefRow>();
    return results.map(refFromRow);
  }

  async listCredentials(q: CredentialListQuery): Promise<OwnedCredential[]> {
    // Walking backwards reads the rows just above the cursor, oldest first, then flips them.
    const backwards = q.endingBefore !== undefined;
    const ascending = backwards !== Boolean(q.oldestFirst);
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${LISTED_SELECT}, ${OWNER_SELECT}
         FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id
         WHERE ${listFilter(p, q, true)}
         ORDER BY c.id ${ascending ? "ASC" : "DESC"} LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset ?? 0)}`,
    ).all<SelectedOwnedCredential>();
    const page = results.map(ownedFromRow);
    return backwards ? page.reverse() : page;
  }

  async countCredentials(q: CredentialListQuery): Promise<number> {
    const row = await prepare(this.db, (p) => `SELECT count(*) AS n FROM credentials c WHERE ${listFilter(p, q, false)}`).first<CountRow>();
    return row?.n ?? 0;
  }

  async getCredential(scope: CredentialScope): Promise<OwnedCredential | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}
         FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id WHERE ${scopeWhere(p, scope)}`,
    ).first<SelectedOwnedCredential>();
    return row ? ownedFromRow(row) : null;
  }

  async insertCredential(credential: Credential, event: AuditEvent): Promise<void> {
    await this.db.batch([insertCredentialStatement(this.db, credential), insertEvent(this.db, event)]);
  }

  async updateCredential(
    scope: CredentialScope,
    revision: number,
    changes: CredentialChanges,
    event: AuditEvent,
  ): Promise<OwnedCredential | null> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof CredentialChanges, unknown][];
    // The event is written only if the compare-and-swap hit: changes() is the UPDATE's row count.
    const [updated] = await this.db.batch<SelectedCredential>([
      prepare(this.db, (p) => {
        const sets = entries.map(([key, v]) => `${COLUMN_OF[key]} = ${p.add(columnValue(key, v))}`);
        // A rename refreshes the folded copy that `search` reads.
        if (changes.name !== undefined) sets.push(`name_folded = ${p.add(foldName(changes.name))}`);
        return `UPDATE credentials AS c SET ${[...sets, "revision = revision + 1"].join(", ")}
           WHERE ${scopeWhere(p, scope)} AND c.revision = ${p.add(revision)}
           RETURNING ${CREDENTIAL_RETURNING}`;
      }),
      insertEvent(this.db, event, "changes() = 1"),
    ]);
    const row = updated?.results[0];
    // Access tokens have no owner; the others' owners never change through an update.
    return row ? { credential: credentialFromRow(row), owner: null } : null;
  }

  async replaceCredentialByName(credential: Credential, event: AuditEvent): Promise<CredentialRef[]> {
    const [deleted] = await this.db.batch<CredentialRefRow>([
      prepare(
        this.db,
        (p) =>
          `DELETE FROM credentials WHERE org_id = ${p.add(credential.orgId)} AND kind = ${p.add(credential.kind)} AND name = ${p.add(credential.name)}
           RETURNING ${REF_COLUMNS}`,
      ),
      // Right after the DELETE, changes() says how many were replaced: that decides the action.
      prepare(this.db, (p) => {
        const row = auditToRow(event);
        const changes = p.add(row.changes);
        return insertSelect(p, "audit_events", row, {
          action: `CASE WHEN changes() > 0 THEN 'service_token.replace' ELSE ${p.add(row.action)} END`,
          changes: `CASE WHEN changes() > 0 THEN json_set(${changes}, '$.replaced', changes()) ELSE ${changes} END`,
        });
      }),
      insertCredentialStatement(this.db, credential),
    ]);
    return (deleted?.results ?? []).map(refFromRow);
  }

  async deleteCredential(scope: CredentialScope, event: AuditEvent): Promise<OwnedCredential | null> {
    // Read, record and delete in one transaction: the answer is exactly what was deleted, and
    // the event (org, target and name from the row itself) exists only if a row did.
    const [found] = await this.db.batch<SelectedOwnedCredential>([
      prepare(
        this.db,
        (p) => `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}
           FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id WHERE ${scopeWhere(p, scope)}`,
      ),
      prepare(
        this.db,
        (p) =>
          `${insertSelect(p, "audit_events", auditToRow(event), { org_id: "c.org_id", target_id: "c.id", changes: "json_object('name', c.name)" })}
           FROM credentials c WHERE ${scopeWhere(p, scope)}`,
      ),
      prepare(this.db, (p) => `DELETE FROM credentials AS c WHERE ${scopeWhere(p, scope)}`),
    ]);
    const row = found?.results[0];
    return row ? ownedFromRow(row) : null;
  }
}
