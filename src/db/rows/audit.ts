/** Rows of `audit_events` (migration 0003). */
import type { StoredAuditEvent } from "../../core/orgs/ports";
import type { AuditEvent } from "../../core/shared/audit-events";
import type { RowValues } from "../sql";

/** A row of `audit_events`. */
export interface AuditEventRow {
  id: string;
  org_id: string;
  at: number;
  actor_principal_id: string | null;
  actor_credential_id: string | null;
  action: AuditEvent["action"];
  target_type: AuditEvent["targetType"];
  target_id: string;
  client_ip: string | null;
  request_id: string | null;
  /** JSON of the event's changes. */
  changes: string;
}

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
] as const satisfies readonly (keyof AuditEventRow)[];
/** One column of `audit_events`. */
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

export const auditFromRow = (row: AuditEventRow): AuditEvent => ({
  id: row.id,
  orgId: row.org_id,
  at: row.at,
  actorPrincipalId: row.actor_principal_id ?? null,
  actorCredentialId: row.actor_credential_id ?? null,
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  clientIp: row.client_ip ?? null,
  requestId: row.request_id ?? null,
  changes: JSON.parse(row.changes ?? "{}"),
});

/** An event as the values of its row, in table order. */
export const auditToRow = (e: AuditEvent): RowValues<AuditColumn> => ({
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

/** An event as the audit log reads it back: with its actor's email (a lookup by primary key). */
export interface StoredAuditEventRow extends AuditEventRow {
  actor_email: string | null;
}
/** The columns of `StoredAuditEventRow`, over `audit_events`. */
export const STORED_AUDIT_COLUMNS = `${AUDIT_COLUMNS.join(", ")}, (SELECT email FROM principals WHERE id = audit_events.actor_principal_id) AS actor_email`;

export const storedAuditFromRow = (row: StoredAuditEventRow): StoredAuditEvent => ({
  ...auditFromRow(row),
  actorEmail: row.actor_email ?? null,
});
