/**
 * What the queue consumer and the cron read and write on D1: due deliveries,
 * a delivery's claim and outcome, and the credentials whose expiry or
 * inactivity notice is due. Each scan is an index range (migration 0008), so
 * its cost follows what is due, not how many credentials exist.
 */
import type { AuditEvent } from "../core/shared/audit-events";
import type { NoticeRow, NoticeStore } from "../core/webhooks/ports";
import { insertEvent } from "./audit";
import { type CredentialNoticeRow, NOTICE_COLUMNS, noticeFromRow } from "./rows/credentials";
import type { IdRow } from "./rows/shared";
import { CLAIMED_COLUMNS, type Claimed, type ClaimedRow, claimedFromRow } from "./rows/webhooks";
import { prepare } from "./sql";

/** A delivery claimed for one attempt (its row is `rows/webhooks.ts`'s `ClaimedRow`). */
export type { Claimed } from "./rows/webhooks";

export interface AttemptOutcome {
  deliveryId: string;
  webhookId: string;
  attempt: number;
  at: number;
  status: number | null;
  error: string | null;
  durationMs: number;
  result: "delivered" | "failed" | "dead" | "pending";
  nextAttemptAt: number | null;
  /** When a message for the next attempt is due to arrive (null: the cron sends it). */
  enqueuedAt: number | null;
  /** Disables the endpoint, with the audit event that tells its owner. */
  disable: { reason: string; event: AuditEvent } | null;
}

/** How many of the oldest due deliveries the cron ranks for fairness per run. */
const CANDIDATES = 5000;

/** An event's INSERT, kept only when the statement before it changed a row and the org has an enabled webhook. */
const eventAfterChange = (db: D1Database, orgId: string, type: string, data: Record<string, unknown>, at: number) =>
  prepare(
    db,
    (p) => `INSERT INTO webhook_events (id, org_id, type, data, created_at)
     SELECT 'msg_' || lower(hex(randomblob(16))), ${p.add(orgId)}, ${p.add(type)}, ${p.add(JSON.stringify(data))}, ${p.add(at)}
     WHERE changes() = 1 AND EXISTS (SELECT 1 FROM webhooks WHERE org_id = ${p.add(orgId)} AND disabled_at IS NULL)`,
  );

export class D1Lifecycle implements NoticeStore {
  constructor(private readonly db: D1Database) {}

  /**
   * Up to `limit` deliveries due by `now` that no message is on its way for
   * (none sent, or one due `lostAfterMs` ago and not yet taken), marked as
   * sent: those of `orgId` only when given (a write hands on its own org's
   * events), else fairly, each org's oldest first before any org's second, so
   * that one org's backlog cannot hold back another's deliveries. The ranking
   * reads at most CANDIDATES of the oldest due rows.
   */
  async takeDue(now: number, limit: number, lostAfterMs: number, orgId?: string): Promise<string[]> {
    const { results } = await prepare(this.db, (p) => {
      const at = p.add(now);
      const due = `d.status = 'pending' AND d.next_attempt_at <= ${at}
            AND (d.enqueued_at IS NULL OR d.enqueued_at < ${p.add(now - lostAfterMs)}) AND (d.leased_until IS NULL OR d.leased_until < ${at})`;
      const candidates = orgId
        ? `SELECT d.id, 1 AS n, d.next_attempt_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE ${due} AND w.org_id = ${p.add(orgId)} ORDER BY d.next_attempt_at LIMIT ${p.add(limit)}`
        : `SELECT id, row_number() OVER (PARTITION BY org_id ORDER BY next_attempt_at) AS n, next_attempt_at FROM (
             SELECT d.id, w.org_id, d.next_attempt_at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
             WHERE ${due} ORDER BY d.next_attempt_at LIMIT ${CANDIDATES})`;
      return `UPDATE webhook_deliveries SET enqueued_at = ${at} WHERE id IN (
          SELECT id FROM (${candidates}) ORDER BY n, next_attempt_at LIMIT ${p.add(limit)}) RETURNING id`;
    }).all<IdRow>();
    return results.map((r) => r.id);
  }

  /** Leases a pending delivery for one attempt (null when it is not pending, or another consumer holds it). */
  async claim(deliveryId: string, now: number, leaseMs: number): Promise<Claimed | null> {
    const [, found] = await this.db.batch<ClaimedRow>([
      prepare(
        this.db,
        (p) => `UPDATE webhook_deliveries SET leased_until = ${p.add(now + leaseMs)}
          WHERE id = ${p.add(deliveryId)} AND status = 'pending' AND (leased_until IS NULL OR leased_until < ${p.add(now)})`,
      ),
      prepare(
        this.db,
        (p) => `SELECT ${CLAIMED_COLUMNS}
          FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.id = ${p.add(deliveryId)} AND changes() = 1 AND d.leased_until = ${p.add(now + leaseMs)}`,
      ),
    ]);
    const row = found?.results[0];
    return row ? claimedFromRow(row) : null;
  }

  /** Records an attempt and its consequences in one batch. */
  async record(o: AttemptOutcome): Promise<void> {
    const statements = [
      // The webhook may have been deleted while the attempt ran (its deliveries with it): then nothing is recorded.
      prepare(
        this.db,
        (p) => `INSERT OR REPLACE INTO webhook_attempts (delivery_id, attempt, at, status, error, duration_ms)
          SELECT ${[o.deliveryId, o.attempt, o.at, o.status, o.error, o.durationMs].map((v) => p.add(v)).join(", ")}
          WHERE EXISTS (SELECT 1 FROM webhook_deliveries WHERE id = ${p.add(o.deliveryId)})`,
      ),
      prepare(
        this.db,
        (p) => `UPDATE webhook_deliveries SET status = ${p.add(o.result)}, attempts = ${p.add(o.attempt)},
          next_attempt_at = ${p.add(o.nextAttemptAt)}, enqueued_at = ${p.add(o.enqueuedAt)}, leased_until = NULL,
          last_attempt_at = ${p.add(o.at)}, last_status = ${p.add(o.status)}, last_error = ${p.add(o.error)}
          WHERE id = ${p.add(o.deliveryId)}`,
      ),
      // Failing since the first failure in a row; a success ends the streak.
      prepare(this.db, (p) =>
        o.result === "delivered"
          ? `UPDATE webhooks SET failing_since = NULL WHERE id = ${p.add(o.webhookId)}`
          : `UPDATE webhooks SET failing_since = coalesce(failing_since, ${p.add(o.at)}) WHERE id = ${p.add(o.webhookId)}`,
      ),
    ];
    if (o.disable) {
      statements.push(
        prepare(
          this.db,
          (p) => `UPDATE webhooks SET disabled_at = ${p.add(o.at)}, disabled_reason = ${p.add(o.disable!.reason)}
            WHERE id = ${p.add(o.webhookId)} AND disabled_at IS NULL`,
        ),
        insertEvent(this.db, o.disable.event, "changes() = 1"),
      );
    }
    await this.db.batch(statements);
  }

  /** A delivery the dead-letter queue received: dead, unless it was delivered after all. */
  async markDead(deliveryId: string): Promise<void> {
    await prepare(
      this.db,
      (p) => `UPDATE webhook_deliveries SET status = 'dead', leased_until = NULL, next_attempt_at = NULL
        WHERE id = ${p.add(deliveryId)} AND status IN ('pending', 'dead')`,
    ).run();
  }

  /** Credentials whose expiry notice is due by `now`, earliest first. */
  async dueNotices(now: number, limit: number): Promise<NoticeRow[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${NOTICE_COLUMNS} FROM credentials
        WHERE notice_due_at IS NOT NULL AND notice_due_at <= ${p.add(now)} ORDER BY notice_due_at LIMIT ${p.add(limit)}`,
    ).all<CredentialNoticeRow>();
    return results.map(noticeFromRow);
  }

  /**
   * Moves each credential's notice on (only if its expiry is still the one
   * looked at) and writes its event in the same batch.
   */
  async applyNotices(
    items: {
      row: NoticeRow;
      dueAt: number | null;
      noticedDays: number | null;
      event: { type: string; data: Record<string, unknown> } | null;
    }[],
    now: number,
  ): Promise<void> {
    if (!items.length) return;
    await this.db.batch(
      items.flatMap(({ row, dueAt, noticedDays, event }) => [
        prepare(
          this.db,
          (p) => `UPDATE credentials SET notice_due_at = ${p.add(dueAt)}, noticed_days = ${p.add(noticedDays)}
            WHERE id = ${p.add(row.id)} AND expires_at IS ${p.add(row.expiresAt)}`,
        ),
        ...(event ? [eventAfterChange(this.db, row.orgId, event.type, event.data, now)] : []),
      ]),
    );
  }

  /** Credentials unused (or never used) since before `cutoff` and not yet noticed, longest idle first. */
  async idle(cutoff: number, limit: number): Promise<NoticeRow[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${NOTICE_COLUMNS} FROM credentials
        WHERE inactive_noticed_at IS NULL AND coalesce(last_used_at, created_at) < ${p.add(cutoff)}
        ORDER BY coalesce(last_used_at, created_at) LIMIT ${p.add(limit)}`,
    ).all<CredentialNoticeRow>();
    return results.map(noticeFromRow);
  }

  /** Notes each as noticed inactive (unless it was used meanwhile), with its event. */
  async markInactive(items: { row: NoticeRow; data: Record<string, unknown> }[], now: number): Promise<void> {
    if (!items.length) return;
    await this.db.batch(
      items.flatMap(({ row, data }) => [
        prepare(
          this.db,
          (p) => `UPDATE credentials SET inactive_noticed_at = ${p.add(now)}
            WHERE id = ${p.add(row.id)} AND inactive_noticed_at IS NULL AND last_used_at IS ${p.add(row.lastUsedAt)}`,
        ),
        eventAfterChange(this.db, row.orgId, "credential.inactive", data, now),
      ]),
    );
  }
}
