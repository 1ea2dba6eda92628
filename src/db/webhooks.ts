/** Webhooks and their deliveries on D1 (migration 0008); each write is one batch with its audit event. */
import type { AuditEvent } from "../core/shared/audit-events";
import type { Delivery, Webhook, WebhookPage, WebhookStore } from "../core/webhooks/ports";
import { insertEvent } from "./audit";
import { auditToRow } from "./rows/audit";
import {
  deliveryFromRow,
  LISTED_DELIVERY_COLUMNS,
  type ListedDeliveryRow,
  WEBHOOK_COLUMNS,
  type WebhookRow,
  webhookFromRow,
} from "./rows/webhooks";
import { insertSelect, type Params, prepare } from "./sql";

/** Rows after the cursor in (created_at DESC, id DESC) order: one statement writes several events in one millisecond. */
function afterCursor(p: Params, cursor: string): string {
  const at = `(SELECT created_at FROM webhook_deliveries WHERE id = ${p.add(cursor)})`;
  return `AND (d.created_at < ${at} OR (d.created_at = ${at} AND d.id < ${p.add(cursor)}))`;
}

export class D1WebhookStore implements WebhookStore {
  constructor(private readonly db: D1Database) {}

  async insertWebhook(w: Webhook, event: AuditEvent, maxPerOrg: number): Promise<boolean> {
    // The cap is checked by the INSERT itself, so concurrent creates cannot pass it together.
    const [inserted] = await this.db.batch([
      prepare(
        this.db,
        (p) => `INSERT INTO webhooks (id, org_id, url, events, description, secret_enc, created_at, updated_at)
          SELECT ${[w.id, w.orgId, w.url, w.events && JSON.stringify(w.events), w.description, w.secretSealed, w.createdAt, w.updatedAt].map((v) => p.add(v)).join(", ")}
          WHERE (SELECT count(*) FROM webhooks WHERE org_id = ${p.add(w.orgId)}) < ${p.add(maxPerOrg)}`,
      ),
      insertEvent(this.db, event, "changes() = 1"),
    ]);
    return inserted!.meta.changes > 0;
  }

  async getWebhook(orgId: string, id: string): Promise<Webhook | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE org_id = ${p.add(orgId)} AND id = ${p.add(id)}`,
    ).first<WebhookRow>();
    return row ? webhookFromRow(row) : null;
  }

  async listWebhooks(q: WebhookPage): Promise<Webhook[]> {
    const backwards = q.endingBefore !== undefined;
    const { results } = await prepare(this.db, (p) => {
      const where = [`org_id = ${p.add(q.orgId)}`];
      if (q.startingAfter !== undefined) where.push(`id < ${p.add(q.startingAfter)}`);
      if (q.endingBefore !== undefined) where.push(`id > ${p.add(q.endingBefore)}`);
      return `SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE ${where.join(" AND ")} ORDER BY id ${backwards ? "ASC" : "DESC"} LIMIT ${p.add(q.limit)}`;
    }).all<WebhookRow>();
    const page = results.map(webhookFromRow);
    return backwards ? page.reverse() : page;
  }

  async deleteWebhook(orgId: string, id: string, event: AuditEvent): Promise<boolean> {
    const [, deleted] = await this.db.batch([
      prepare(
        this.db,
        (p) =>
          `${insertSelect(p, "audit_events", auditToRow(event))} WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ${p.add(id)} AND org_id = ${p.add(orgId)})`,
      ),
      prepare(this.db, (p) => `DELETE FROM webhooks WHERE id = ${p.add(id)} AND org_id = ${p.add(orgId)}`),
    ]);
    return deleted!.meta.changes > 0;
  }

  async rotateSecret(
    orgId: string,
    id: string,
    updatedAt: number,
    next: Pick<Webhook, "secretSealed" | "prevSecretSealed" | "prevExpiresAt" | "updatedAt">,
    event: AuditEvent,
  ): Promise<boolean> {
    const [updated] = await this.db.batch([
      prepare(
        this.db,
        (p) => `UPDATE webhooks SET secret_enc = ${p.add(next.secretSealed)}, prev_secret_enc = ${p.add(next.prevSecretSealed)},
          prev_expires_at = ${p.add(next.prevExpiresAt)}, updated_at = ${p.add(next.updatedAt)}
          WHERE id = ${p.add(id)} AND org_id = ${p.add(orgId)} AND updated_at = ${p.add(updatedAt)}`,
      ),
      insertEvent(this.db, event, "changes() = 1"),
    ]);
    return updated!.meta.changes > 0;
  }

  async listDeliveries(webhookId: string, limit: number, before?: string): Promise<Delivery[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${LISTED_DELIVERY_COLUMNS}
        FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE d.webhook_id = ${p.add(webhookId)} ${before ? afterCursor(p, before) : ""}
        ORDER BY d.created_at DESC, d.id DESC LIMIT ${p.add(limit)}`,
    ).all<ListedDeliveryRow>();
    return results.map(deliveryFromRow);
  }
}
