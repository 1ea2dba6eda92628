/**
 * The cron's notices in memory, after `src/db/lifecycle.ts`: index ranges of what is due
 * (`notice_due_at`, idle since), and writes that move each row on only if it is still the one
 * looked at, with its event. For the core's unit tests of `runNotices`.
 */
import type { NoticeEvent, NoticeRow, NoticeStore } from "../../../src/core/webhooks/ports";

export interface NoticeCredential extends NoticeRow {
  dueAt: number | null;
  inactiveNoticedAt: number | null;
}

export class MemoryNotices implements NoticeStore {
  readonly events: (NoticeEvent & { at: number })[] = [];
  constructor(readonly rows: NoticeCredential[]) {}

  async dueNotices(now: number, limit: number): Promise<NoticeRow[]> {
    return this.rows
      .filter((r) => r.dueAt !== null && r.dueAt <= now)
      .sort((a, b) => a.dueAt! - b.dueAt!)
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async applyNotices(
    items: { row: NoticeRow; dueAt: number | null; noticedDays: number | null; event: NoticeEvent | null }[],
    now: number,
  ) {
    for (const { row, dueAt, noticedDays, event } of items) {
      const stored = this.rows.find((r) => r.id === row.id);
      if (!stored || stored.expiresAt !== row.expiresAt) continue;
      stored.dueAt = dueAt;
      stored.noticedDays = noticedDays;
      if (event) this.events.push({ ...event, at: now });
    }
  }

  async idle(cutoff: number, limit: number): Promise<NoticeRow[]> {
    return this.rows
      .filter((r) => r.inactiveNoticedAt === null && (r.lastUsedAt ?? r.createdAt) < cutoff)
      .sort((a, b) => (a.lastUsedAt ?? a.createdAt) - (b.lastUsedAt ?? b.createdAt))
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }

  async markInactive(items: { row: NoticeRow; data: Record<string, unknown> }[], now: number) {
    for (const { row, data } of items) {
      const stored = this.rows.find((r) => r.id === row.id);
      if (!stored || stored.inactiveNoticedAt !== null || stored.lastUsedAt !== row.lastUsedAt) continue;
      stored.inactiveNoticedAt = now;
      this.events.push({ type: "credential.inactive", data, at: now });
    }
  }
}
