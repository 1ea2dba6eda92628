/**
 * The tables' columns, and the mapping between rows and the core's objects in
 * both directions: select lists and row → model for reads, model → column
 * values for writes.
 */
import type { AuditEvent } from "../core/shared/audit-events";
import type { Credential, Org, OwnedCredential, Principal } from "../core/shared/model";
import type { CredentialRef } from "../core/credentials/verification-cache";
import type { CredentialPolicy } from "../core/credentials/policy";
import type { RowValues } from "./sql";
import { type ClientKind, type CredentialKind, isTokenKind, type TokenKind } from "../core/shared/kinds";

/** A row as D1 hands it back. */
export type Row = Record<string, unknown>;

/** The columns of `credentials`, in table order. */
export const CREDENTIAL_COLUMNS = [
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
  "name_folded",
  "policy",
  "credits_remaining",
] as const;
/** One column of `credentials`. */
export type CredentialColumn = (typeof CREDENTIAL_COLUMNS)[number];

const PRINCIPAL_COLUMNS = ["id", "kind", "email", "given_name", "family_name", "name", "created_at"] as const;
const ORG_COLUMNS = ["id", "name", "created_at"] as const;

/** The columns of `audit_events`, in table order. */
export const AUDIT_COLUMNS = [
  "id",
  "org_id",
  "at",
  "actor_principal_id",
  "actor_credential_id",
  "action",
  "target_type",
  "target_id",
  "client_ip",
  "request_id",
  "changes",
] as const;
/** One column of `audit_events`. */
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

/** `c.id AS c_id, c.kind AS c_kind, ...`: prefixed so that joined rows do not collide. */
const select = (alias: string, columns: readonly string[]) => columns.map((col) => `${alias}.${col} AS ${alias}_${col}`).join(", ");

/** Every column of `credentials c`, as `c_<column>`. */
export const CREDENTIAL_SELECT = select("c", CREDENTIAL_COLUMNS);
/** Lists need no hashes: leaving the BLOBs out spares D1 converting them, 100 rows a page. */
export const LISTED_SELECT = select(
  "c",
  CREDENTIAL_COLUMNS.filter((col) => col !== "secret_hash" && col !== "prev_secret_hash"),
);
/** A credential's columns as an UPDATE's `RETURNING` names them (no alias there), in the `c_` form `credentialFrom` reads. */
export const CREDENTIAL_RETURNING = CREDENTIAL_COLUMNS.map((col) => `${col} AS c_${col}`).join(", ");
/** Every column of `principals p`, as `p_<column>`. */
export const OWNER_SELECT = select("p", PRINCIPAL_COLUMNS);
/** Every column of `orgs o`, as `o_<column>`. */
export const ORG_SELECT = select("o", ORG_COLUMNS);

// D1 hands BLOBs back as arrays of numbers.
function toBuffer(value: unknown): ArrayBuffer | null {
  if (value == null) return null;
  if (value instanceof ArrayBuffer) return value;
  if (ArrayBuffer.isView(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  return new Uint8Array(value as number[]).buffer;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const str = (v: unknown) => (v == null ? null : String(v));

/** A credential from `c_`-prefixed columns (`CREDENTIAL_SELECT`, `LISTED_SELECT`, `CREDENTIAL_RETURNING`). */
export function credentialFrom(row: Row, p = "c_"): Credential {
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
    policy: policyFrom(row[`${p}policy`]),
    creditsRemaining: num(row[`${p}credits_remaining`]),
  };
}

/** A principal from `p_`-prefixed columns (`OWNER_SELECT`). */
export function principalFrom(row: Row, p = "p_"): Principal {
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

/** An org from `o_`-prefixed columns (`ORG_SELECT`). */
export const orgFrom = (row: Row, p = "o_"): Org => ({
  id: String(row[`${p}id`]),
  name: String(row[`${p}name`]),
  createdAt: Number(row[`${p}created_at`]),
});

/** The home of a credential, from `id, kind, client_id` columns. */
export const refFrom = (row: Row): CredentialRef =>
  isTokenKind(row.kind as CredentialKind)
    ? { kind: row.kind as TokenKind, id: String(row.id) }
    : { kind: row.kind as ClientKind, clientId: String(row.client_id) };

/** A credential and its owner, from a credential LEFT JOIN principals row. */
export const ownedFrom = (row: Row): OwnedCredential => ({
  credential: credentialFrom(row),
  owner: row.p_id == null ? null : principalFrom(row),
});

/** An audit event from its unprefixed columns. */
export const auditFrom = (row: Row): AuditEvent => ({
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

/** The name as `search` compares it: Unicode-normalised (NFKC) and lower-cased, which SQLite cannot do itself. */
export const foldName = (text: string) => text.normalize("NFKC").toLowerCase();

/** A credential as the values of its row, in table order. */
export const credentialRow = (c: Credential): RowValues<CredentialColumn> => ({
  id: c.id,
  kind: c.kind,
  org_id: c.orgId,
  principal_id: c.principalId,
  name: c.name,
  preview: c.preview,
  secret_hash: c.secretHash,
  hash_version: c.hashVersion,
  prev_secret_hash: c.prevSecretHash,
  prev_hash_version: c.prevHashVersion,
  prev_expires_at: c.prevExpiresAt,
  client_id: c.clientId,
  duration: c.duration,
  secret_version: c.secretVersion,
  enabled: c.enabled ? 1 : 0,
  expires_at: c.expiresAt,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  last_used_at: c.lastUsedAt,
  revision: c.revision,
  name_folded: foldName(c.name),
  policy: policyText(c.policy),
  credits_remaining: c.creditsRemaining,
});

/** The policy column's JSON (NULL for none); the core's own field names. */
export const policyText = (policy: CredentialPolicy | null) => (policy ? JSON.stringify(policy) : null);

const policyFrom = (value: unknown): CredentialPolicy | null => (value == null ? null : (JSON.parse(String(value)) as CredentialPolicy));

/** An audit event as the values of its row, in table order. */
export const auditRow = (e: AuditEvent): RowValues<AuditColumn> => ({
  id: e.id,
  org_id: e.orgId,
  at: e.at,
  actor_principal_id: e.actorPrincipalId,
  actor_credential_id: e.actorCredentialId,
  action: e.action,
  target_type: e.targetType,
  target_id: e.targetId,
  client_ip: e.clientIp,
  request_id: e.requestId,
  changes: JSON.stringify(e.changes),
});
