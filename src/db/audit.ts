/**
 * The audit log in D1. Events are written by the statements of their changes'
 * batches (`insertEvent` here, or an `INSERT … SELECT` that takes some columns
 * from the row the change touches); this file reads them back.
 */
import type { AuditEvent } from "../core/shared/audit-events";
import type { AuditLog, AuditQuery, StoredAuditEvent } from "../core/orgs/ports";
import { auditToRow, STORED_AUDIT_COLUMNS, type StoredAuditEventRow, storedAuditFromRow } from "./rows/audit";
import { insertSelect, prepare } from "./sql";

/** The INSERT of one event, to put in the batch of its change; stored only where `condition` holds after the statements before it. */
export const insertEvent = (db: D1Database, event: AuditEvent, condition = "1"): D1PreparedStatement =>
  prepare(db, (p) => `${insertSelect(p, "audit_events", auditToRow(event))} WHERE ${condition}`);

/** `AuditLog` on D1. */
export class D1AuditLog implements AuditLog {
  constructor(private readonly db: D1Database) {}

  async listAuditEvents(q: AuditQuery): Promise<StoredAuditEvent[]> {
    // Walking backwards reads the events just above the cursor, oldest first, then flips them.
    const backwards = q.endingBefore !== undefined;
    const { results } = await prepare(this.db, (p) => {
      const where = [`org_id = ${p.add(q.orgId)}`];
      if (q.targetId !== undefined) where.push(`target_id = ${p.add(q.targetId)}`);
      if (q.action !== undefined) where.push(`action = ${p.add(q.action)}`);
      if (q.since !== undefined) where.push(`at >= ${p.add(q.since)}`);
      if (q.until !== undefined) where.push(`at < ${p.add(q.until)}`);
      if (q.startingAfter !== undefined) where.push(`id < ${p.add(q.startingAfter)}`);
      if (q.endingBefore !== undefined) where.push(`id > ${p.add(q.endingBefore)}`);
      // With the actor's email by primary key, per event of the page (at most a page's worth of lookups).
      return `SELECT ${STORED_AUDIT_COLUMNS} FROM audit_events WHERE ${where.join(" AND ")}
        ORDER BY id ${backwards ? "ASC" : "DESC"} LIMIT ${p.add(q.limit)}`;
    }).all<StoredAuditEventRow>();
    const page = results.map(storedAuditFromRow);
    return backwards ? page.reverse() : page;
  }
}
