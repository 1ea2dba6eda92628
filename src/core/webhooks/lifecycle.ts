/**
 * Credential lifecycle events, and the time rules behind them: when an expiry
 * warning is due, when a credential counts as inactive, and when a failed
 * webhook delivery is tried again. Pure: the cron, the queue consumer and the
 * unit tests all call these with their own clock.
 */

export const LIFECYCLE_EVENTS = [
  "credential.created",
  "credential.rotated",
  "credential.deleted",
  "credential.expiring",
  "credential.expired",
  "credential.inactive",
  "credential.leaked",
  "credential.credits_exhausted",
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export const DAY_MS = 86_400_000;

/** Standard Webhooks' schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (≈ 75 h in all). */
export const DEFAULT_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];

/** The default expiry warnings, in days before `expires_at`. */
export const DEFAULT_WARNING_DAYS = [30, 7, 1];

/** A comma-separated list of positive integers, or a string saying what is wrong. */
export function parseNumberList(text: string): number[] | string {
  const parts = text.split(",").map((p) => p.trim());
  if (!parts.length || parts.some((p) => !/^[1-9][0-9]{0,8}$/.test(p))) return "must be positive integers separated by commas";
  return parts.map(Number);
}

/**
 * The next expiry notice of a credential expiring at `expiresAt`, given the
 * warning days already noticed for that expiry (`noticedDays`: the smallest
 * threshold warned of, 0 once `expired` was sent, null for none). Each
 * threshold is warned of at most once; thresholds passed together (a token
 * created with 3 days left) give one warning, of the tightest. Returns what to
 * send now (if anything), the new `noticedDays`, and when to look again.
 */
export function expiryNotice(
  expiresAt: number,
  noticedDays: number | null,
  warningDays: readonly number[],
  now: number,
): {
  send: { type: "credential.expiring"; daysLeft: number; threshold: number } | { type: "credential.expired" } | null;
  noticedDays: number | null;
  nextAt: number | null;
} {
  if (noticedDays === 0) return { send: null, noticedDays: 0, nextAt: null };
  if (now >= expiresAt) return { send: { type: "credential.expired" }, noticedDays: 0, nextAt: null };
  const pending = [...warningDays].sort((a, b) => b - a).filter((d) => noticedDays === null || d < noticedDays);
  const crossed = pending.filter((d) => expiresAt - d * DAY_MS <= now);
  const later = pending.filter((d) => expiresAt - d * DAY_MS > now);
  // The next time something becomes due: the next threshold not yet crossed, else the expiry itself.
  const nextAt = later.length ? expiresAt - later[0]! * DAY_MS : expiresAt;
  if (!crossed.length) return { send: null, noticedDays, nextAt };
  const threshold = crossed.at(-1)!;
  return {
    send: { type: "credential.expiring", daysLeft: Math.ceil((expiresAt - now) / DAY_MS), threshold },
    noticedDays: threshold,
    nextAt,
  };
}

/**
 * Seconds until the attempt after `attempt` (1-based: the first attempt is 1),
 * or null when the schedule is spent. A `Retry-After` longer than the
 * schedule's wait is honoured, up to a day.
 */
export function retryDelay(attempt: number, schedule: readonly number[], retryAfterSeconds: number | null = null): number | null {
  const scheduled = schedule[attempt - 1];
  if (scheduled === undefined) return null;
  return Math.max(scheduled, Math.min(retryAfterSeconds ?? 0, 86_400));
}

/** The three forms of an HTTP date (IMF-fixdate, RFC 850, asctime); `Date.parse` alone reads garbage such as "abc 2031" as a date. */
const HTTP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?,? [\w -]+ \d{2}:\d{2}:\d{2}(?: GMT| \d{4})$/;

/** `Retry-After` as seconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  if (!HTTP_DATE.test(value.trim())) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}
