/**
 * The D1 implementation of `Repository`. Multi-statement changes go through
 * `batch`, which D1 runs as one transaction: all or nothing.
 */
import type { AuditEvent } from "../core/audit";
import { lastOwner } from "../core/errors";
import type { SecretHash } from "../core/hashing";
import type { CredentialRef } from "../core/verification-cache";
import type { Caller, Credential, Org, OwnedCredential, Principal, Role } from "../core/model";
import type {
  AuditQuery,
  BootstrapInput,
  CredentialChanges,
  CredentialListQuery,
  CredentialRefQuery,
  CredentialScope,
  Member,
  MembershipChange,
  Repository,
} from "./repository";

type Row = Record<string, unknown>;

const CREDENTIAL_COLUMNS = [
  "id",
  "kind",
  "org_id",
  "principal_id",
  "name",
  "preview",
  "secret_hash",
  "hash_version",
  "prev_secret_hash",
  "prev_hash_version",
  "prev_expires_at",
  "client_id",
  "duration",
  "secret_version",
  "enabled",
  "expires_at",
  "created_at",
  "updated_at",
  "last_used_at",
  "revision",
] as const;
const PRINCIPAL_COLUMNS = ["id", "kind", "email", "given_name", "family_name", "name", "created_at"] as const;
const ORG_COLUMNS = ["id", "name", "created_at"] as const;

/** `c.id AS c_id, c.kind AS c_kind, ...`: prefixed so that joined rows do not collide. */
const select = (alias: string, columns: readonly string[]) =>
  columns.map((col) => `${alias}.${col} AS ${alias}_${col}`).join(", ");

const CREDENTIAL_SELECT = select("c", CREDENTIAL_COLUMNS);
/** Lists need no hashes: leaving the BLOBs out spares D1 converting them, 100 rows a page. */
const LISTED_SELECT = select(
  "c",
  CREDENTIAL_COLUMNS.filter((col) => col !== "secret_hash" && col !== "prev_secret_hash"),
);
const OWNER_SELECT = select("p", PRINCIPAL_COLUMNS);

// D1 hands BLOBs back as arrays of numbers.
function toBuffer(value: unknown): ArrayBuffer | null {
  if (value == null) return null;
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return new Uint8Array(value as number[]).buffer;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));

function credentialFrom(row: Row, p = "c_"): Credential {
  return {
    id: String(row[`${p}id`]),
    kind: row[`${p}kind`] as Credential["kind"],
    orgId: String(row[`${p}org_id`]),
    principalId: str(row[`${p}principal_id`]),
    name: String(row[`${p}name`]),
    preview: String(row[`${p}preview`]),
    // Absent from listed rows; an empty hash never verifies.
    secretHash: toBuffer(row[`${p}secret_hash`]) ?? new ArrayBuffer(0),
    hashVersion: Number(row[`${p}hash_version`]),
    prevSecretHash: toBuffer(row[`${p}prev_secret_hash`]),
    prevHashVersion: num(row[`${p}prev_hash_version`]),
    prevExpiresAt: num(row[`${p}prev_expires_at`]),
    clientId: str(row[`${p}client_id`]),
    duration: str(row[`${p}duration`]),
    secretVersion: Number(row[`${p}secret_version`]),
    enabled: Boolean(row[`${p}enabled`]),
    expiresAt: num(row[`${p}expires_at`]),
    createdAt: Number(row[`${p}created_at`]),
    updatedAt: Number(row[`${p}updated_at`]),
    lastUsedAt: num(row[`${p}last_used_at`]),
    revision: Number(row[`${p}revision`] ?? 0),
  };
}

function principalFrom(row: Row, p = "p_"): Principal {
  return {
    id: String(row[`${p}id`]),
    kind: row[`${p}kind`] as Principal["kind"],
    email: String(row[`${p}email`]),
    givenName: str(row[`${p}given_name`]),
    familyName: str(row[`${p}family_name`]),
    name: str(row[`${p}name`]),
    createdAt: Number(row[`${p}created_at`]),
  };
}

const orgFrom = (row: Row, p = "o_"): Org => ({
  id: String(row[`${p}id`]),
  name: String(row[`${p}name`]),
  createdAt: Number(row[`${p}created_at`]),
});

/** The home of a credential, from `id, kind, client_id` columns. */
const refFrom = (row: Row): CredentialRef =>
  row.kind === "access_token"
    ? { kind: "access_token", clientId: String(row.client_id) }
    : { kind: row.kind as "api_key" | "service_token", id: String(row.id) };

const ownedFrom = (row: Row): OwnedCredential => ({
  credential: credentialFrom(row),
  owner: row.p_id == null ? null : principalFrom(row),
});

function credentialValues(c: Credential): unknown[] {
  return [
    c.id,
    c.kind,
    c.orgId,
    c.principalId,
    c.name,
    c.preview,
    c.secretHash,
    c.hashVersion,
    c.prevSecretHash,
    c.prevHashVersion,
    c.prevExpiresAt,
    c.clientId,
    c.duration,
    c.secretVersion,
    c.enabled ? 1 : 0,
    c.expiresAt,
    c.createdAt,
    c.updatedAt,
    c.lastUsedAt,
    c.revision,
  ];
}

/** `?, ?, ?` for a list of values (a never-matching `NULL` for an empty one). */
const marks = (values: unknown[]) => (values.length ? values.map(() => "?").join(", ") : "NULL");

const INSERT_CREDENTIAL = `INSERT INTO credentials (${CREDENTIAL_COLUMNS.join(", ")}) VALUES (${CREDENTIAL_COLUMNS.map(() => "?").join(", ")})`;

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
};

/** `LIKE` pattern for a substring, with the wildcards in it taken literally. */
const likeSubstring = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** WHERE clause of a list query; cursors only when `withCursors`. */
function listFilter(q: CredentialListQuery, withCursors: boolean): { where: string; binds: unknown[] } {
  const where = ["c.kind = ?"];
  const binds: unknown[] = [q.kind];
  const add = (sql: string, ...values: unknown[]) => {
    where.push(sql);
    binds.push(...values);
  };
  if (q.principalId !== undefined) add("c.principal_id = ?", q.principalId);
  if (q.orgId !== undefined) add("c.org_id = ?", q.orgId);
  if (q.name !== undefined) add("c.name = ?", q.name);
  if (q.search !== undefined) add("c.name LIKE ? ESCAPE '\\'", likeSubstring(q.search));
  if (q.ids) add(`c.id IN (${marks(q.ids)})`, ...q.ids);
  if (withCursors && q.startingAfter !== undefined) add("c.id < ?", q.startingAfter);
  if (withCursors && q.endingBefore !== undefined) add("c.id > ?", q.endingBefore);
  return { where: where.join(" AND "), binds };
}

const AUDIT_COLUMNS =
  "id, org_id, at, actor_principal_id, actor_credential_id, action, target_type, target_id, client_ip, request_id, changes";

/** Bindings of an event, in AUDIT_COLUMNS order. */
const auditValues = (e: AuditEvent) => [
  e.id,
  e.orgId,
  e.at,
  e.actorPrincipalId,
  e.actorCredentialId,
  e.action,
  e.targetType,
  e.targetId,
  e.clientIp,
  e.requestId,
  JSON.stringify(e.changes),
];

const auditFrom = (row: Row): AuditEvent => ({
  id: String(row.id),
  orgId: String(row.org_id),
  at: Number(row.at),
  actorPrincipalId: str(row.actor_principal_id),
  actorCredentialId: str(row.actor_credential_id),
  action: row.action as AuditEvent["action"],
  targetType: row.target_type as AuditEvent["targetType"],
  targetId: String(row.target_id),
  clientIp: str(row.client_ip),
  requestId: str(row.request_id),
  changes: JSON.parse(String(row.changes ?? "{}")),
});

/** WHERE clause and bindings for a scoped single-credential statement. */
function scopeWhere(scope: CredentialScope): { sql: string; binds: unknown[] } {
  const parts = ["c.id = ?", "c.kind = ?"];
  const binds: unknown[] = [scope.id, scope.kind];
  if (scope.orgId !== undefined) {
    parts.push("c.org_id = ?");
    binds.push(scope.orgId);
  }
  if (scope.principalId !== undefined) {
    parts.push("c.principal_id = ?");
    binds.push(scope.principalId);
  }
  if (scope.visibleTo !== undefined) {
    parts.push("c.org_id IN (SELECT org_id FROM memberships WHERE principal_id = ?)");
    binds.push(scope.visibleTo);
  }
  return { sql: parts.join(" AND "), binds };
}

export class D1Repository implements Repository {
  constructor(private readonly db: D1Database) {}

  async getCaller(credentialId: string): Promise<Caller | null> {
    const row = await this.db
      .prepare(
        `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}, ${select("o", ORG_COLUMNS)}, m.role AS m_role
         FROM credentials c
         JOIN principals p ON p.id = c.principal_id
         JOIN memberships m ON m.org_id = c.org_id AND m.principal_id = c.principal_id
         JOIN orgs o ON o.id = c.org_id
         WHERE c.id = ?`,
      )
      .bind(credentialId)
      .first<Row>();
    if (!row) return null;
    return { credential: credentialFrom(row), principal: principalFrom(row), org: orgFrom(row), role: row.m_role as Role };
  }

  async findCredentialRefs(q: CredentialRefQuery): Promise<CredentialRef[]> {
    const where: string[] = [];
    const binds: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      binds.push(...values);
    };
    if (q.orgId !== undefined) add("c.org_id = ?", q.orgId);
    if (q.orgName !== undefined) add("c.org_id = (SELECT id FROM orgs WHERE name = ?)", q.orgName);
    if (q.kind !== undefined) add("c.kind = ?", q.kind);
    if (q.name !== undefined) add("c.name = ?", q.name);
    if (q.principalIds || q.userEmails) {
      const ids = q.principalIds ?? [];
      const emails = q.userEmails ?? [];
      add(
        `c.principal_id IN (SELECT id FROM principals WHERE id IN (${marks(ids)}) OR (kind = 'user' AND email IN (${marks(emails)})))`,
        ...ids,
        ...emails,
      );
    }
    if (q.ownerNotOwner) {
      where.push("NOT EXISTS (SELECT 1 FROM memberships m WHERE m.org_id = c.org_id AND m.principal_id = c.principal_id AND m.role = 'owner')");
    }
    // An unfiltered query would name every credential: refuse to guess.
    if (!where.length) return [];
    const { results } = await this.db
      .prepare(`SELECT c.id, c.kind, c.client_id FROM credentials c WHERE ${where.join(" AND ")}`)
      .bind(...binds)
      .all<Row>();
    return results.map(refFrom);
  }

  async findMembership(principalId: string, org: { name: string } | { id: string }): Promise<{ org: Org; role: Role } | null> {
    const byName = "name" in org;
    const row = await this.db
      .prepare(
        `SELECT ${select("o", ORG_COLUMNS)}, m.role AS m_role
         FROM orgs o JOIN memberships m ON m.org_id = o.id
         WHERE o.${byName ? "name" : "id"} = ? AND m.principal_id = ?`,
      )
      .bind(byName ? org.name : org.id, principalId)
      .first<Row>();
    return row ? { org: orgFrom(row), role: row.m_role as Role } : null;
  }

  async findServiceAccount(orgId: string, id: string): Promise<Principal | null> {
    const row = await this.db
      .prepare(
        `SELECT ${OWNER_SELECT} FROM principals p JOIN memberships m ON m.principal_id = p.id
         WHERE p.id = ? AND p.kind = 'service_account' AND m.org_id = ?`,
      )
      .bind(id, orgId)
      .first<Row>();
    return row ? principalFrom(row) : null;
  }

  async findUsersSharingAnOrg(ids: string[], principalId: string): Promise<Principal[]> {
    if (!ids.length) return [];
    const { results } = await this.db
      .prepare(
        `SELECT ${OWNER_SELECT} FROM principals p
         WHERE p.kind = 'user' AND p.id IN (${marks(ids)})
           AND EXISTS (SELECT 1 FROM memberships theirs JOIN memberships mine ON mine.org_id = theirs.org_id
                       WHERE theirs.principal_id = p.id AND mine.principal_id = ?)`,
      )
      .bind(...ids, principalId)
      .all<Row>();
    return results.map((row) => principalFrom(row));
  }

  async findMembers(orgId: string, match: { ids: string[]; emails: string[] }): Promise<Member[]> {
    if (!match.ids.length && !match.emails.length) return [];
    const { results } = await this.db
      .prepare(
        `SELECT ${OWNER_SELECT}, m.role AS m_role FROM principals p JOIN memberships m ON m.principal_id = p.id
         WHERE m.org_id = ? AND (p.id IN (${marks(match.ids)}) OR p.email IN (${marks(match.emails)}))`,
      )
      .bind(orgId, ...match.ids, ...match.emails)
      .all<Row>();
    return results.map((row) => ({ principal: principalFrom(row), role: row.m_role as Role }));
  }

  async countOwners(orgId: string): Promise<number> {
    const row = await this.db
      .prepare(`SELECT count(*) AS n FROM memberships WHERE org_id = ? AND role = 'owner'`)
      .bind(orgId)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }

  async changeMembership(change: MembershipChange): Promise<{ invited: Principal[]; deleted: CredentialRef[] }> {
    const { orgId, now } = change;
    const addMember = (principalIdSql: string, role: Role, ...binds: unknown[]) =>
      // Inviting never demotes an owner; inviting into Owners promotes.
      this.db
        .prepare(
          `INSERT INTO memberships (org_id, principal_id, role, created_at)
           SELECT ?, id, ?, ? FROM principals WHERE ${principalIdSql}
           ON CONFLICT (org_id, principal_id) DO UPDATE SET role = CASE WHEN excluded.role = 'owner' THEN 'owner' ELSE role END`,
        )
        .bind(orgId, role, now, ...binds);
    const statements: D1PreparedStatement[] = [];
    for (const { email, newId, role } of change.inviteEmails) {
      statements.push(
        this.db
          .prepare(
            `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
             VALUES (?, 'user', ?, NULL, NULL, NULL, ?) ON CONFLICT (email) WHERE kind = 'user' DO NOTHING`,
          )
          .bind(newId, email, now),
        addMember("email = ? AND kind = 'user'", role, email),
      );
    }
    for (const { id, role } of change.inviteIds) statements.push(addMember("id = ? AND kind = 'user'", role, id));
    for (const { principal: p, role, token } of change.serviceAccounts) {
      statements.push(
        this.db
          .prepare(
            `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
             VALUES (?, 'service_account', ?, NULL, NULL, ?, ?)`,
          )
          .bind(p.id, p.email, p.name, p.createdAt),
        addMember("id = ?", role, p.id),
      );
      if (token) statements.push(this.db.prepare(INSERT_CREDENTIAL).bind(...credentialValues(token)));
    }
    for (const p of change.remove) {
      statements.push(
        this.db.prepare(`DELETE FROM credentials WHERE org_id = ? AND principal_id = ? RETURNING id, kind, client_id`).bind(orgId, p.id),
        this.db.prepare(`DELETE FROM memberships WHERE org_id = ? AND principal_id = ?`).bind(orgId, p.id),
      );
      // A service account exists only in its org.
      if (p.kind === "service_account") {
        statements.push(this.db.prepare(`DELETE FROM principals WHERE id = ? AND kind = 'service_account'`).bind(p.id));
      }
    }
    for (const { event, targetEmail } of change.events) {
      if (targetEmail === undefined) {
        statements.push(this.audit(event));
      } else {
        // Invited by email: the target is whoever holds that email now (created above if new).
        const v = auditValues(event);
        statements.push(
          this.db
            .prepare(
              `INSERT INTO audit_events (${AUDIT_COLUMNS})
               SELECT ?, ?, ?, ?, ?, ?, ?, p.id, ?, ?, ? FROM principals p WHERE p.email = ? AND p.kind = 'user'`,
            )
            .bind(...v.slice(0, 7), v[8], v[9], v[10], targetEmail),
        );
      }
    }
    const emails = change.inviteEmails.map((i) => i.email);
    const ids = change.inviteIds.map((i) => i.id);
    statements.push(
      this.db
        .prepare(
          `SELECT ${OWNER_SELECT} FROM principals p
           WHERE p.kind = 'user' AND (p.email IN (${marks(emails)}) OR p.id IN (${marks(ids)}))`,
        )
        .bind(...emails, ...ids),
    );
    let results: D1Result<Row>[];
    try {
      results = await this.db.batch<Row>(statements);
    } catch (err) {
      // The keep-an-owner triggers (migration 0004) refused the batch: a concurrent removal got there first.
      if (err instanceof Error && err.message.includes("last_owner")) throw lastOwner();
      throw err;
    }
    // The deletes of credentials are the only statements that return id, kind and client_id rows.
    const deleted = results.slice(0, -1).flatMap((r) => r.results.filter((row) => "client_id" in row).map(refFrom));
    return { invited: (results.at(-1)?.results ?? []).map((row) => principalFrom(row)), deleted };
  }

  async findAccessToken(clientId: string): Promise<Credential | null> {
    const row = await this.db
      .prepare(`SELECT ${CREDENTIAL_SELECT} FROM credentials c WHERE c.client_id = ? AND c.kind = 'access_token'`)
      .bind(clientId)
      .first<Row>();
    return row ? credentialFrom(row) : null;
  }

  async upgradeHash(id: string, which: "current" | "previous", verified: SecretHash, upgraded: SecretHash): Promise<void> {
    const [hash, version] = which === "current" ? ["secret_hash", "hash_version"] : ["prev_secret_hash", "prev_hash_version"];
    // Compare-and-swap on the verified hash itself, not only its version.
    await this.db
      .prepare(`UPDATE credentials SET ${hash} = ?, ${version} = ? WHERE id = ? AND ${hash} = ? AND ${version} = ?`)
      .bind(upgraded.hash, upgraded.version, id, verified.hash, verified.version)
      .run();
  }

  async touchCredential(id: string, now: number, staleBefore: number): Promise<void> {
    await this.db
      .prepare(`UPDATE credentials SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`)
      .bind(now, id, staleBefore)
      .run();
  }

  async insertCredential(credential: Credential, event: AuditEvent): Promise<void> {
    await this.db.batch([this.db.prepare(INSERT_CREDENTIAL).bind(...credentialValues(credential)), this.audit(event)]);
  }

  async listAuditEvents(q: AuditQuery): Promise<AuditEvent[]> {
    const where = ["org_id = ?"];
    const binds: unknown[] = [q.orgId];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      binds.push(value);
    };
    if (q.targetId !== undefined) add("target_id = ?", q.targetId);
    if (q.action !== undefined) add("action = ?", q.action);
    if (q.since !== undefined) add("at >= ?", q.since);
    if (q.until !== undefined) add("at < ?", q.until);
    if (q.startingAfter !== undefined) add("id < ?", q.startingAfter);
    if (q.endingBefore !== undefined) add("id > ?", q.endingBefore);
    const backwards = q.endingBefore !== undefined;
    const { results } = await this.db
      .prepare(
        `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where.join(" AND ")} ORDER BY id ${backwards ? "ASC" : "DESC"} LIMIT ?`,
      )
      .bind(...binds, q.limit)
      .all<Row>();
    const page = results.map(auditFrom);
    return backwards ? page.reverse() : page;
  }

  /** The INSERT of one event, to put in the batch of its change. */
  private audit(event: AuditEvent, condition = "1"): D1PreparedStatement {
    return this.db
      .prepare(`INSERT INTO audit_events (${AUDIT_COLUMNS}) SELECT ${AUDIT_COLUMNS.split(", ").map(() => "?").join(", ")} WHERE ${condition}`)
      .bind(...auditValues(event));
  }

  async listCredentials(q: CredentialListQuery): Promise<OwnedCredential[]> {
    const { where, binds } = listFilter(q, true);
    // Walking backwards reads the rows just above the cursor, oldest first, then flips them.
    const backwards = q.endingBefore !== undefined;
    const ascending = backwards !== Boolean(q.oldestFirst);
    const { results } = await this.db
      .prepare(
        `SELECT ${LISTED_SELECT}, ${OWNER_SELECT}
         FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id
         WHERE ${where}
         ORDER BY c.id ${ascending ? "ASC" : "DESC"} LIMIT ? OFFSET ?`,
      )
      .bind(...binds, q.limit, q.offset ?? 0)
      .all<Row>();
    const page = results.map(ownedFrom);
    return backwards ? page.reverse() : page;
  }

  async countCredentials(q: CredentialListQuery): Promise<number> {
    const { where, binds } = listFilter(q, false);
    const row = await this.db
      .prepare(`SELECT count(*) AS n FROM credentials c WHERE ${where}`)
      .bind(...binds)
      .first<{ n: number }>();
    return row?.n ?? 0;
  }

  async updateCredential(
    scope: CredentialScope,
    revision: number,
    changes: CredentialChanges,
    event: AuditEvent,
  ): Promise<OwnedCredential | null> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const sets = entries.map(([key]) => `${COLUMN_OF[key as keyof CredentialChanges]} = ?`);
    const values = entries.map(([key, v]) => (key === "enabled" ? (v ? 1 : 0) : v));
    const { sql, binds } = scopeWhere(scope);
    // The event is written only if the compare-and-swap hit: changes() is the UPDATE's row count.
    const [updated] = await this.db.batch<Row>([
      this.db
        .prepare(
          `UPDATE credentials AS c SET ${[...sets, "revision = revision + 1"].join(", ")}
           WHERE ${sql} AND c.revision = ?
           RETURNING ${CREDENTIAL_COLUMNS.map((col) => `${col} AS c_${col}`).join(", ")}`,
        )
        .bind(...values, ...binds, revision),
      this.audit(event, "changes() = 1"),
    ]);
    const row = updated?.results[0];
    // Access tokens have no owner; the others' owners never change through an update.
    return row ? { credential: credentialFrom(row), owner: null } : null;
  }

  async getCredential(scope: CredentialScope): Promise<OwnedCredential | null> {
    const { sql, binds } = scopeWhere(scope);
    const row = await this.db
      .prepare(
        `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}
         FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id WHERE ${sql}`,
      )
      .bind(...binds)
      .first<Row>();
    return row ? ownedFrom(row) : null;
  }

  async replaceCredentialByName(credential: Credential, event: AuditEvent): Promise<CredentialRef[]> {
    const values = auditValues(event);
    const [deleted] = await this.db.batch<Row>([
      this.db
        .prepare(`DELETE FROM credentials WHERE org_id = ? AND kind = ? AND name = ? RETURNING id, kind, client_id`)
        .bind(credential.orgId, credential.kind, credential.name),
      // Right after the DELETE, changes() says how many were replaced: that decides the action.
      this.db
        .prepare(
          `INSERT INTO audit_events (${AUDIT_COLUMNS})
           SELECT ?, ?, ?, ?, ?, CASE WHEN changes() > 0 THEN 'service_token.replace' ELSE ? END, ?, ?, ?, ?,
                  CASE WHEN changes() > 0 THEN json_set(?, '$.replaced', changes()) ELSE ? END`,
        )
        .bind(...values.slice(0, 10), values[10], values[10]),
      this.db.prepare(INSERT_CREDENTIAL).bind(...credentialValues(credential)),
    ]);
    return (deleted?.results ?? []).map(refFrom);
  }

  async deleteCredential(scope: CredentialScope, event: AuditEvent): Promise<OwnedCredential | null> {
    const { sql, binds } = scopeWhere(scope);
    const v = auditValues(event);
    // Read, record and delete in one transaction: the answer is exactly what was deleted, and
    // the event (org, target and name from the row itself) exists only if a row did.
    const [found] = await this.db.batch<Row>([
      this.db
        .prepare(
          `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}
           FROM credentials c LEFT JOIN principals p ON p.id = c.principal_id WHERE ${sql}`,
        )
        .bind(...binds),
      this.db
        .prepare(
          `INSERT INTO audit_events (${AUDIT_COLUMNS})
           SELECT ?, c.org_id, ?, ?, ?, ?, ?, c.id, ?, ?, json_object('name', c.name) FROM credentials c WHERE ${sql}`,
        )
        .bind(v[0], v[2], v[3], v[4], v[5], v[6], v[8], v[9], ...binds),
      this.db.prepare(`DELETE FROM credentials AS c WHERE ${sql}`).bind(...binds),
    ]);
    const row = found?.results[0];
    return row ? ownedFrom(row) : null;
  }

  async bootstrap({ org, user, credential, now, event }: BootstrapInput): Promise<{ org: Org; user: Principal }> {
    const values = credentialValues(credential);
    // org_id and principal_id (positions 2 and 3) come from the names, whoever created them.
    const credentialColumns = CREDENTIAL_COLUMNS.map((col) =>
      col === "org_id" ? "o.id" : col === "principal_id" ? "p.id" : "?",
    ).join(", ");
    const credentialBinds = values.filter((_, i) => i !== 2 && i !== 3);
    // The event's org and target are the org, by name (positions 1 and 7 come from the row).
    const bootstrapAudit = auditValues(event).filter((_, i) => i !== 1 && i !== 7);
    const results = await this.db.batch<Row>([
      this.db
        .prepare(`INSERT INTO orgs (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING`)
        .bind(org.id, org.name, org.createdAt),
      this.db
        .prepare(
          `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
           VALUES (?, 'user', ?, ?, ?, NULL, ?)
           ON CONFLICT (email) WHERE kind = 'user' DO UPDATE SET
             given_name = coalesce(excluded.given_name, given_name),
             family_name = coalesce(excluded.family_name, family_name)`,
        )
        .bind(user.id, user.email, user.givenName, user.familyName, user.createdAt),
      this.db
        .prepare(
          `INSERT INTO memberships (org_id, principal_id, role, created_at)
           SELECT o.id, p.id, 'owner', ? FROM orgs o, principals p
           WHERE o.name = ? AND p.email = ? AND p.kind = 'user'
           ON CONFLICT (org_id, principal_id) DO UPDATE SET role = 'owner'`,
        )
        .bind(now, org.name, user.email),
      this.db
        .prepare(
          `INSERT INTO credentials (${CREDENTIAL_COLUMNS.join(", ")})
           SELECT ${credentialColumns} FROM orgs o, principals p
           WHERE o.name = ? AND p.email = ? AND p.kind = 'user'`,
        )
        .bind(...credentialBinds, org.name, user.email),
      this.db
        .prepare(
          `INSERT INTO audit_events (${AUDIT_COLUMNS})
           SELECT ?, o.id, ?, ?, ?, ?, ?, o.id, ?, ?, ? FROM orgs o WHERE o.name = ?`,
        )
        .bind(...bootstrapAudit, org.name),
      this.db.prepare(`SELECT ${select("o", ORG_COLUMNS)} FROM orgs o WHERE o.name = ?`).bind(org.name),
      this.db
        .prepare(`SELECT ${OWNER_SELECT} FROM principals p WHERE p.email = ? AND p.kind = 'user'`)
        .bind(user.email),
    ]);
    const orgRow = results[5]?.results[0];
    const userRow = results[6]?.results[0];
    if (!orgRow || !userRow) throw new Error("bootstrap batch returned no org or user");
    return { org: orgFrom(orgRow), user: principalFrom(userRow) };
  }
}
