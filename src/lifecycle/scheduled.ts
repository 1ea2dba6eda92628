/**
 * The Cron Trigger's work (wrangler.toml, every 5 minutes): expiry warnings
 * and `expired` notices, `inactive` notices (and, with INACTIVE_DISABLE, the
 * Access tokens disabled), the inactive Access tokens of accounts whose
 * organization turned `service_token_inactivity` on, then the deliveries due. Each scan reads an index
 * range of what is due and is bounded per run (pages of PAGE, at most
 * MAX_PAGES); what is left stays due and the next run resumes there, because
 * handled rows leave the range. Time is the trigger's `scheduledTime`, so tests
 * can run the cron at any date.
 */
import { configOf } from "../config";
import { AuditContext } from "../core/shared/audit-events";
import { type CredentialKind, isClientKind } from "../core/shared/kinds";
import { DAY_MS, expiryNotice } from "../core/webhooks/lifecycle";
import { D1Lifecycle, type NoticeRow } from "../db/lifecycle";
import { retireInactiveTokens } from "../core/credentials/inactive-tokens";
import { D1InactiveTokens } from "../db/inactive-tokens";
import { DurableObjectHomes } from "../auth/credential-homes";
import type { Env } from "../env";
import { servicesFor } from "../services";
import { dispatchDue } from "./dispatch";

const PAGE = 100;
const MAX_PAGES = 20;
/**
 * The organizations' inactive-token cleanup, per run: 5 writes of 50 tokens.
 * Each write holds and releases its 50 homes (100 subrequests) around one D1
 * batch, so a run spends about 510 of its 1,000 subrequests here: 250 tokens
 * per run, 72,000 a day; a million idle tokens are retired in about 14 days
 * (Access, too, says its cleanup runs gradually).
 */
export const SWEEP = { pages: 5, pageSize: 50 };

export interface LifecycleReport {
  expiring: number;
  expired: number;
  inactive: number;
  disabled: number;
  /** Access tokens INACTIVE_DISABLE=dry-run would have disabled. */
  wouldDisable: number;
  /** Access tokens retired by their organization's `service_token_inactivity`. */
  retired: { disabled: number; deleted: number };
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
  const report: LifecycleReport = {
    expiring: 0,
    expired: 0,
    inactive: 0,
    disabled: 0,
    wouldDisable: 0,
    retired: { disabled: 0, deleted: 0 },
    enqueued: 0,
  };

  for (let page = 0; page < MAX_PAGES; page++) {
    const rows = await store.dueNotices(now, PAGE);
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
    if (rows.length < PAGE) break;
  }

  if (settings.inactiveAfterDays !== null) {
    const cutoff = now - settings.inactiveAfterDays * DAY_MS;
    for (let page = 0; page < MAX_PAGES; page++) {
      const rows = await store.idle(cutoff, PAGE);
      const items = [];
      for (const row of rows) {
        const disable = isClientKind(row.kind as CredentialKind) && settings.inactiveDisable !== "off";
        if (disable && settings.inactiveDisable === "on") {
          await disableIdleToken(env, row);
          report.disabled++;
        } else if (disable) {
          report.wouldDisable++;
          console.log(
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
      if (rows.length < PAGE) break;
    }
  }

  // Written as the cron (no actor), through the same hold → write → release as a user's change.
  // A failure (a home out of reach) is retried by the next run; the deliveries below still go.
  report.retired = await retireInactiveTokens(
    new D1InactiveTokens(env.DB),
    new DurableObjectHomes(env),
    new AuditContext(null, null),
    now,
    SWEEP,
  ).catch((err: unknown) => {
    console.error("inactive service tokens: the sweep failed; the next run resumes it:", err instanceof Error ? err.message : String(err));
    return { disabled: 0, deleted: 0 };
  });

  report.enqueued = await dispatchDue(env, now, 500);
  return report;
}

/** Disables an idle Access token through the service: its home is held, the write audited (as no one: the cron). */
async function disableIdleToken(env: Env, row: NoticeRow): Promise<void> {
  const services = servicesFor(env, new AuditContext(null, null));
  await services.accessTokens.update({ orgId: row.orgId, role: "owner" }, row.id, { enabled: false });
}
