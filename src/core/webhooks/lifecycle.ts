/**
 * Credential lifecycle events, and the time rules behind them: when an expiry
 * warning is due, when a credential counts as inactive, and when a failed
 * webhook delivery is tried again. Pure: the cron, the queue consumer and the
 * unit tests all call these with their own clock.
 */

import { DAY_MS } from "../shared/clock";
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

export { DAY_MS };

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

/** The longest delay a queue message can carry. */
export const MAX_QUEUE_DELAY_SECONDS = 12 * 3600;
/** An endpoint failing without a success for this long is disabled. */
export const FAILING_DISABLE_MS = 3 * DAY_MS;

/** What one attempt of a delivery saw. */
export interface AttemptSeen {
  /** The endpoint's status, null when none came (unreachable, timed out, refused before sending). */
  status: number | null;
  error: string | null;
  /** Seconds the endpoint asked to wait (Retry-After), if it did. */
  retryAfter: number | null;
  /** This attempt's number, from 1. */
  attempt: number;
  /** Since when the endpoint has failed without a success, if it has. */
  failingSince: number | null;
  now: number;
}

/** What follows an attempt: decided here, carried out by the queue's consumer. */
export interface AttemptVerdict {
  result: "delivered" | "failed" | "dead" | "pending";
  /** When to try again (pending only). */
  nextAttemptAt: number | null;
  /** Whether the retry rides on the queue (its delay fits), or waits for the cron. */
  viaQueue: boolean;
  /** Why the endpoint is disabled, if it is. */
  disable: string | null;
}

/**
 * The decision after an attempt: a 2xx delivers; a 410, a disabled endpoint or a refused URL fail
 * for good (a 410 disables the endpoint); anything else is retried on the schedule (or after the
 * endpoint's Retry-After), until the schedule ends or the endpoint has failed for 3 days, which
 * dead-letters the delivery and disables the endpoint.
 */
export function judgeAttempt(seen: AttemptSeen, schedule: readonly number[]): AttemptVerdict {
  const { status, error, now } = seen;
  const verdict: AttemptVerdict = { result: "pending", nextAttemptAt: null, viaQueue: false, disable: null };
  if (status !== null && status >= 200 && status < 300) return { ...verdict, result: "delivered" };
  if (status === 410 || error === "endpoint disabled" || error?.startsWith("url ")) {
    return { ...verdict, result: "failed", disable: status === 410 ? "the endpoint answered 410 Gone" : null };
  }
  const delay = retryDelay(seen.attempt, schedule, seen.retryAfter);
  const failingFor = now - (seen.failingSince ?? now);
  if (delay === null || failingFor > FAILING_DISABLE_MS) {
    return {
      ...verdict,
      result: "dead",
      disable: delay === null ? `every attempt of a delivery failed (${seen.attempt})` : "failing for more than 3 days",
    };
  }
  return { ...verdict, nextAttemptAt: now + delay * 1000, viaQueue: delay <= MAX_QUEUE_DELAY_SECONDS };
}
