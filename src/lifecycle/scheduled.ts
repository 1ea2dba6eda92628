/**
 * The Cron Trigger's work (wrangler.toml, every 5 minutes): expiry warnings
 * and `expired` notices, `inactive` notices (and, with INACTIVE_DISABLE, the
 * Access tokens disabled), then the deliveries due. Each scan reads an index
 * range of what is due and is bounded per run (pages of PAGE, at most
 * MAX_PAGES); what is left stays due and the next run resumes there, because
 * handled rows leave the range. Time is the trigger's `scheduledTime`, so tests
 * can run the cron at any date.
 */
import { configOf } from "../config";
import { AuditContext } from "../core/audit";
import { DAY_MS, expiryNotice } from "../core/lifecycle";
import { D1Lifecycle, type NoticeRow } from "../db/lifecycle";
import type { Env } from "../env";
import { servicesFor } from "../services";
import { dispatchDue } from "./dispatch";

const PAGE = 100;
const MAX_PAGES = 20;

export interface LifecycleReport {
  expiring: number;
  expired: number;
  inactive: number;
  disabled: number;
  /** Access tokens INACTIVE_DISABLE=dry-run would have disabled. */
  wouldDisable: number;
  enqueued: number;
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

export async function runLifecycle(env: Env, now: number): Promise<LifecycleReport> {
  const { lifecycle: settings } = configOf(env);
  const store = new D1Lifecycle(env.DB);
  const report: LifecycleReport = { expiring: 0, expired: 0, inactive: 0, disabled: 0, wouldDisable: 0, enqueued: 0 };

  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await store.dueNotices(now, PAGE);
    const items = rows.map((row) => {
      if (row.expiresAt === null) return { row, dueAt: null, noticedDays: row.noticedDays, event: null };
      const { send, noticedDays, nextAt } = expiryNotice(row.expiresAt, row.noticedDays, settings.warningDays, now);
      if (send?.type === "credential.expiring") report.expiring++;
      if (send?.type === "credential.expired") report.expired++;
      const data = send?.type === "credential.expiring" ? { ...credentialData(row), days_left: send.daysLeft, threshold_days: send.threshold } : credentialData(row);
      return { row, dueAt: nextAt, noticedDays, event: send ? { type: send.type, data } : null };
    });
    await store.applyNotices(items, now);
    if (rows.length < PAGE) break;
  }

  if (settings.inactiveAfterDays !== null) {
    const cutoff = now - settings.inactiveAfterDays * DAY_MS;
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await store.idle(cutoff, PAGE);
      const items = [];
      for (const row of rows) {
        const disable = row.kind === "access_token" && settings.inactiveDisable !== "off";
        if (disable && settings.inactiveDisable === "on") {
          await disableIdleToken(env, row);
          report.disabled++;
        } else if (disable) {
          report.wouldDisable++;
          console.log(`INACTIVE_DISABLE=dry-run: would disable Access service token ${row.id} (unused since ${iso(row.lastUsedAt ?? row.createdAt)})`);
        }
        const data = { ...credentialData(row), last_used_at: iso(row.lastUsedAt), inactive_days: settings.inactiveAfterDays, ...(disable ? { [settings.inactiveDisable === "on" ? "disabled" : "would_disable"]: true } : {}) };
        items.push({ row, data });
      }
      await store.markInactive(items, now);
      report.inactive += rows.length;
      if (rows.length < PAGE) break;
    }
  }

  report.enqueued = await dispatchDue(env, now, 500);
  return report;
}

/** Disables an idle Access token through the service: its home is held, the write audited (as no one: the cron). */
async function disableIdleToken(env: Env, row: NoticeRow): Promise<void> {
  const services = servicesFor(env, new AuditContext(null, null));
  await services.accessTokens.update({ orgId: row.orgId, role: "owner" }, row.id, { enabled: false });
}
