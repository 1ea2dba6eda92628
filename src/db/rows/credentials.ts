/**
 * Rows of `credentials` (migrations 0001, 0006, 0008, 0012): the columns the model reads and
 * writes, the select lists, and the query shapes that read parts of a credential (its home's
 * reference, the cron's notices, the inactivity sweep).
 */
import type { CredentialPolicy } from "../../core/credentials/policy";
import type { IdleToken } from "../../core/credentials/ports";
import type { CredentialRef } from "../../core/credentials/verification-cache";
import { type CredentialKind, isTokenKind } from "../../core/shared/kinds";
import type { Credential, OwnedCredential } from "../../core/shared/model";
import type { NoticeRow } from "../../core/webhooks/ports";
import type { RowValues } from "../sql";
import type { InactivityAction } from "../../core/access/ports";
import { principalFromRow, type SelectedPrincipal } from "./principals";
import { type Aliased, type BlobValue, select, toBuffer } from "./shared";

/** A row of `credentials`: one table for every kind; columns a kind does not use stay NULL. */
export interface CredentialRow {
  id: string;
  kind: CredentialKind;
  org_id: string;
  principal_id: string | null;
  name: string;
  preview: string;
  secret_hash: BlobValue;
  hash_version: number;
  prev_secret_hash: BlobValue | null;
  prev_hash_version: number | null;
  prev_expires_at: number | null;
  client_id: string | null;
  duration: string | null;
  secret_version: number;
  enabled: number;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
  revision: number;
  name_folded: string;
  /** JSON of `CredentialPolicy`. */
  policy: string | null;
  credits_remaining: number | null;
  // The cron's bookkeeping (migrations 0008, 0012), not part of the model.
  notice_due_at: number | null;
  noticed_days: number | null;
  inactive_noticed_at: number | null;
  credits_exhausted_at: number | null;
}

/** The columns of `credentials` that the model reads and writes, in table order. */
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
] as const satisfies readonly (keyof CredentialRow)[];
/** One column of `credentials` that the model reads and writes. */
export type CredentialColumn = (typeof CREDENTIAL_COLUMNS)[number];

/** Every model column of `credentials c`, as `c_<column>`. */
export const CREDENTIAL_SELECT = select("c", CREDENTIAL_COLUMNS);
/** Lists need no hashes: leaving the BLOBs out spares D1 converting them, 100 rows a page. */
export const LISTED_SELECT = select(
  "c",
  CREDENTIAL_COLUMNS.filter((col) => col !== "secret_hash" && col !== "prev_secret_hash"),
);
/** A credential's columns as an UPDATE's `RETURNING` names them (no alias there), in the `c_` form `credentialFromRow` reads. */
export const CREDENTIAL_RETURNING = CREDENTIAL_COLUMNS.map((col) => `${col} AS c_${col}`).join(", ");

type Hashes = "secret_hash" | "prev_secret_hash";
/** A credential as `CREDENTIAL_SELECT`, `LISTED_SELECT` (no hashes) or `CREDENTIAL_RETURNING` name its columns. */
export type SelectedCredential = Aliased<Omit<Pick<CredentialRow, CredentialColumn>, Hashes> & Partial<Pick<CredentialRow, Hashes>>, "c_">;

/** The name as `search` compares it: Unicode-normalised (NFKC) and lower-cased, which SQLite cannot do itself. */
export const foldName = (text: string) => text.normalize("NFKC").toLowerCase();

/** The policy column's JSON (NULL for none); the core's own field names. */
export const policyText = (policy: CredentialPolicy | null) => (policy ? JSON.stringify(policy) : null);

export function credentialFromRow(row: SelectedCredential): Credential {
  return {
    id: row.c_id,
    kind: row.c_kind,
    orgId: row.c_org_id,
    principalId: row.c_principal_id ?? null,
    name: row.c_name,
    preview: row.c_preview,
    // Absent from listed rows; an empty hash never verifies.
    secretHash: toBuffer(row.c_secret_hash) ?? new ArrayBuffer(0),
    hashVersion: row.c_hash_version,
    prevSecretHash: toBuffer(row.c_prev_secret_hash),
    prevHashVersion: row.c_prev_hash_version ?? null,
    prevExpiresAt: row.c_prev_expires_at ?? null,
    clientId: row.c_client_id ?? null,
    duration: row.c_duration ?? null,
    secretVersion: row.c_secret_version,
    enabled: Boolean(row.c_enabled),
    expiresAt: row.c_expires_at ?? null,
    createdAt: row.c_created_at,
    updatedAt: row.c_updated_at,
    lastUsedAt: row.c_last_used_at ?? null,
    revision: row.c_revision ?? 0,
    policy: row.c_policy == null ? null : (JSON.parse(row.c_policy) as CredentialPolicy),
    creditsRemaining: row.c_credits_remaining ?? null,
  };
}

/** A credential as the values of its row, in table order. */
export const credentialToRow = (c: Credential): RowValues<CredentialColumn> => ({
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

/** A credential and its owner: a credential LEFT JOIN principals row (no owner for Access tokens). */
export type SelectedOwnedCredential = SelectedCredential & (SelectedPrincipal | { p_id: null });

export const ownedFromRow = (row: SelectedOwnedCredential): OwnedCredential => ({
  credential: credentialFromRow(row),
  owner: row.p_id == null ? null : principalFromRow(row as SelectedPrincipal),
});

/** `SELECT id, kind, client_id` (or `RETURNING` them): what names a credential's home. */
export type CredentialRefRow = Pick<CredentialRow, "id" | "kind" | "client_id">;
/** The columns of `CredentialRefRow`, for a select or a `RETURNING`. */
export const REF_COLUMNS = "id, kind, client_id";

export const refFromRow = (row: CredentialRefRow): CredentialRef =>
  isTokenKind(row.kind) ? { kind: row.kind, id: row.id } : { kind: row.kind, clientId: String(row.client_id) };

/** A credential whose expiry or inactivity notice is due, with its org's name. */
export type CredentialNoticeRow = Pick<
  CredentialRow,
  "id" | "kind" | "org_id" | "name" | "client_id" | "expires_at" | "noticed_days" | "last_used_at" | "created_at"
> & { org_name: string | null };
/** The columns of `CredentialNoticeRow`, over `credentials`. */
export const NOTICE_COLUMNS =
  "id, kind, org_id, (SELECT name FROM orgs WHERE orgs.id = credentials.org_id) AS org_name, name, client_id, expires_at, noticed_days, last_used_at, created_at";

export const noticeFromRow = (r: CredentialNoticeRow): NoticeRow => ({
  id: r.id,
  kind: r.kind,
  orgId: r.org_id,
  orgName: r.org_name ?? null,
  name: r.name,
  clientId: r.client_id ?? null,
  expiresAt: r.expires_at ?? null,
  noticedDays: r.noticed_days ?? null,
  lastUsedAt: r.last_used_at ?? null,
  createdAt: r.created_at,
});

/** An Access token the inactivity sweep may retire, with its account's rule (`credentials c` JOIN `access_organizations o`). */
export interface IdleTokenRow extends Pick<CredentialRow, "id" | "org_id" | "name" | "enabled" | "last_used_at" | "created_at"> {
  /** Never NULL for an Access token. */
  client_id: string;
  /** Never NULL where the account's inactivity rule is on (a CHECK of migration 0011). */
  inactivity_days: number;
  inactivity_action: InactivityAction;
}
/** The columns of `IdleTokenRow`. */
export const IDLE_TOKEN_COLUMNS =
  "c.id, c.org_id, c.client_id, c.name, c.enabled, c.last_used_at, c.created_at, o.inactivity_days, o.inactivity_action";

export const idleTokenFromRow = (r: IdleTokenRow): IdleToken => ({
  id: r.id,
  orgId: r.org_id,
  clientId: r.client_id,
  name: r.name,
  enabled: r.enabled === 1,
  lastUsedAt: r.last_used_at ?? null,
  createdAt: r.created_at,
  thresholdDays: r.inactivity_days,
  action: r.inactivity_action,
});
