/**
 * Inactive Access service tokens, as Access's `service_token_inactivity`
 * cleans them up: in an account that turned it on, a token that has not
 * authenticated for the threshold, is older than it, and is not named by any
 * policy rule (`service_token {token_id}`) is disabled or deleted.
 *
 * Each page is one write under the revocation protocol, as a user's delete or
 * disable is: the tokens' homes are held, one D1 batch changes each token only
 * if it is still idle, unnamed and its account's rule still asks for it (so a
 * use or a change between the read and the write wins), with its audit event
 * (`service_token.inactive_disabled` / `…_deleted`, whose trigger writes the
 * `credential.inactive` webhook event), and the homes are released: the next
 * request of a retired token is refused.
 */
import type { AuditContext, AuditEvent } from "../shared/audit-events";
import type { IdleToken, InactiveTokenStore } from "./ports";
import { DAY_MS } from "../webhooks/lifecycle";
import { guardedWrite, refOf, type VerificationCache } from "./verification-cache";

export interface SweepReport {
  disabled: number;
  deleted: number;
}

/**
 * Retires up to `pages` × `pageSize` tokens. A run that finds fewer than a page
 * stops; the rest stay due and the next run resumes there (handled tokens
 * leave the range: deleted, or disabled and out of the enabled range).
 */
export async function retireInactiveTokens(
  store: InactiveTokenStore,
  homes: VerificationCache,
  audit: AuditContext,
  now: number,
  { pages, pageSize }: { pages: number; pageSize: number },
): Promise<SweepReport> {
  const report: SweepReport = { disabled: 0, deleted: 0 };
  for (let page = 0; page < pages; page++) {
    const tokens = await store.idleTokens(now, pageSize);
    if (!tokens.length) break;
    const items = tokens.map((token) => ({ token, cutoff: now - token.thresholdDays * DAY_MS, event: eventOf(audit, token, now) }));
    const refs = tokens.map((t) => refOf({ kind: "access_token", id: t.id, clientId: t.clientId }));
    const changed = new Set(await guardedWrite(homes, refs, async () => ({ result: await store.retire(items, now) })));
    for (const { token } of items) if (changed.has(token.id)) report[token.action === "delete" ? "deleted" : "disabled"]++;
    // Fewer than asked for, or some no longer due (used meanwhile): nothing more to find now.
    if (tokens.length < pageSize || changed.size < tokens.length) break;
  }
  return report;
}

function eventOf(audit: AuditContext, t: IdleToken, now: number): AuditEvent {
  const action = t.action === "delete" ? "service_token.inactive_deleted" : "service_token.inactive_disabled";
  return audit.event(
    action,
    t.orgId,
    "access_token",
    t.id,
    {
      name: t.name,
      client_id: t.clientId,
      threshold_days: t.thresholdDays,
      // The same fields as INACTIVE_AFTER_DAYS's notices, for receivers of `credential.inactive`.
      inactive_days: t.thresholdDays,
      last_used_at: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
      [t.action === "delete" ? "deleted" : "disabled"]: true,
    },
    now,
  );
}
