/**
 * The Cron Trigger's work (wrangler.toml, every 5 minutes), carried out here
 * and decided in the core: the expiry and inactivity notices
 * (core/webhooks/notices.ts, with INACTIVE_DISABLE's disabling through the
 * same path as a user's change), the inactive Access tokens of accounts whose
 * organization turned `service_token_inactivity` on
 * (core/credentials/inactive-tokens.ts), then the deliveries due. Each scan is
 * bounded per run (pages of PAGE, at most MAX_PAGES); what is left stays due
 * and the next run resumes there. Time is the trigger's `scheduledTime`, so
 * tests can run the cron at any date.
 */
import { configOf } from "../config";
import { AuditContext } from "../core/shared/audit-events";
import { runNotices } from "../core/webhooks/notices";
import type { NoticeRow } from "../core/webhooks/ports";
import { retireInactiveTokens } from "../core/credentials/inactive-tokens";
import type { Env } from "../env";
import { backgroundFor, servicesFor } from "../services";
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
  /** Daily usage totals deleted past their retention (src/db/usage.ts). */
  usagePruned: number;
  enqueued: number;
}

export async function runLifecycle(env: Env, now: number): Promise<LifecycleReport> {
  const { lifecycle: settings } = configOf(env);
  const effects = { disable: (row: NoticeRow) => disableIdleToken(env, row), log: (line: string) => console.log(line) };
  const background = backgroundFor(env);
  const notices = await runNotices(background.lifecycle, settings, effects, now, { page: PAGE, maxPages: MAX_PAGES });
  const report: LifecycleReport = { ...notices, retired: { disabled: 0, deleted: 0 }, usagePruned: 0, enqueued: 0 };

  // Written as the cron (no actor), through the same hold → write → release as a user's change.
  // A failure (a home out of reach) is retried by the next run; the deliveries below still go.
  report.retired = await retireInactiveTokens(background.inactiveTokens, background.homes, background.audit, now, SWEEP).catch(
    (err: unknown) => {
      console.error(
        "inactive service tokens: the sweep failed; the next run resumes it:",
        err instanceof Error ? err.message : String(err),
      );
      return { disabled: 0, deleted: 0 };
    },
  );

  report.usagePruned = await background.usage.prune(now).catch((err: unknown) => {
    console.error("usage retention: the next run retries:", err instanceof Error ? err.message : String(err));
    return 0;
  });
  report.enqueued = await dispatchDue(env, now, 500);
  return report;
}

/** Disables an idle Access token through the service: its home is held, the write audited (as no one: the cron). */
async function disableIdleToken(env: Env, row: NoticeRow): Promise<void> {
  const services = servicesFor(env, new AuditContext(null, null));
  await services.accessTokens.update({ orgId: row.orgId, role: "owner" }, row.id, { enabled: false });
}
