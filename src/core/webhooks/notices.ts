/**
 * The cron's notices, decided here: `credential.expiring` at each warning
 * threshold and `credential.expired`, then `credential.inactive` for what went
 * unused, disabling idle client credentials (or saying it would) as
 * INACTIVE_DISABLE asks. Each scan reads an index range of what is due and is
 * bounded per run (pages of `page`, at most `maxPages`); what is left stays due
 * and the next run resumes there, because handled rows leave the range.
 */
import { isClientKind } from "../shared/kinds";
import type { CredentialKind } from "../shared/kinds";
import { DAY_MS, expiryNotice } from "./lifecycle";
import type { NoticeRow, NoticeStore } from "./ports";

export interface NoticeSettings {
  warningDays: readonly number[];
  inactiveAfterDays: number | null;
  inactiveDisable: "on" | "off" | "dry-run";
}

export interface NoticeReport {
  expiring: number;
  expired: number;
  inactive: number;
  disabled: number;
  /** Client credentials INACTIVE_DISABLE=dry-run would have disabled. */
  wouldDisable: number;
}

/** How a notice's effects reach the rest: the disabling (through the same path as a user's change) and a log line. */
export interface NoticeEffects {
  disable(row: NoticeRow): Promise<void>;
  log(line: string): void;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What every credential event's `data` says of the credential. */
export const credentialData = (row: NoticeRow) => ({
  kind: row.kind,
  id: row.id,
  name: row.name,
  org_id: row.orgId,
  org_name: row.orgName,
  client_id: row.clientId,
  expires_at: iso(row.expiresAt),
});

export async function runNotices(
  store: NoticeStore,
  settings: NoticeSettings,
  effects: NoticeEffects,
  now: number,
  bounds = { page: 100, maxPages: 20 },
): Promise<NoticeReport> {
  const report: NoticeReport = { expiring: 0, expired: 0, inactive: 0, disabled: 0, wouldDisable: 0 };
  for (let page = 0; page < bounds.maxPages; page++) {
    const rows = await store.dueNotices(now, bounds.page);
    const items = rows.map((row) => {
      if (row.expiresAt === null) return { row, dueAt: null, noticedDays: row.noticedDays, event: null };
      const { send, noticedDays, nextAt } = expiryNotice(row.expiresAt, row.noticedDays, settings.warningDays, now);
      if (send?.type === "credential.expiring") report.expiring++;
      if (send?.type === "credential.expired") report.expired++;
      const data =
        send?.type === "credential.expiring"
          ? { ...credentialData(row), days_left: send.daysLeft, threshold_days: send.threshold }
          : credentialData(row);
      return { row, dueAt: nextAt, noticedDays, event: send ? { type: send.type, data } : null };
    });
    await store.applyNotices(items, now);
    if (rows.length < bounds.page) break;
  }
  if (settings.inactiveAfterDays === null) return report;
  const cutoff = now - settings.inactiveAfterDays * DAY_MS;
  for (let page = 0; page < bounds.maxPages; page++) {
    const rows = await store.idle(cutoff, bounds.page);
    const items = [];
    for (const row of rows) {
      const disable = isClientKind(row.kind as CredentialKind) && settings.inactiveDisable !== "off";
      if (disable && settings.inactiveDisable === "on") {
        await effects.disable(row);
        report.disabled++;
      } else if (disable) {
        report.wouldDisable++;
        effects.log(
          `INACTIVE_DISABLE=dry-run: would disable Access service token ${row.id} (unused since ${iso(row.lastUsedAt ?? row.createdAt)})`,
        );
      }
      const data = {
        ...credentialData(row),
        last_used_at: iso(row.lastUsedAt),
        inactive_days: settings.inactiveAfterDays,
        ...(disable ? { [settings.inactiveDisable === "on" ? "disabled" : "would_disable"]: true } : {}),
      };
      items.push({ row, data });
    }
    await store.markInactive(items, now);
    report.inactive += rows.length;
    if (rows.length < bounds.page) break;
  }
  return report;
}
