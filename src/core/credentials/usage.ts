/**
 * Usage: how often a credential was used and how its requests ended, kept by
 * the credential's home (its Durable Object) and reported to D1 once an hour.
 *
 * The home counts every request it decides in a tally for the current minute
 * (memory, persisted with its rate-limit bucket: no extra write per request).
 * When the minute is over the tally is added to the home's minute and hour
 * rows (its own SQLite; minutes kept 24 h, hours 30 days). Once an hour (an
 * alarm) the home reports its completed hours to D1 through a queue, as the
 * running totals of their days, so that one D1 statement carries a batch of
 * credentials and a report sent twice or late changes nothing (see `dayReports`).
 *
 * Pure: the clock is an argument and the storage a port, so the rollups are
 * unit-tested with a driven clock in plain Node (test/unit/core/usage.test.ts).
 */

import { DAY_MS, HOUR_MS, MINUTE_MS } from "../shared/clock";

/** How a request that reached a known credential ended. */
export const USAGE_OUTCOMES = [
  "success",
  "rate_limited",
  "credits_exhausted",
  "ip_refused",
  "disabled",
  "expired",
  "wrong_secret",
] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];
/** Counts by outcome, in the order of `USAGE_OUTCOMES`. */
export type Tally = number[];
export type Granularity = "minute" | "hour";

export { DAY_MS, HOUR_MS, MINUTE_MS };
/** How far back each granularity is kept by the home. */
export const RETENTION_MS: Record<Granularity, number> = { minute: DAY_MS, hour: 30 * DAY_MS };
const STEP_MS: Record<Granularity, number> = { minute: MINUTE_MS, hour: HOUR_MS };
/** Days of daily totals D1 keeps for org-wide lists (one more than the longest period they speak of, so a 30-day window is whole). */
export const USAGE_DAYS_KEPT = 31;
/** The window a series shows when no `from` is given: the last hour of minutes, the last day of hours. */
export const DEFAULT_SPAN_MS: Record<Granularity, number> = { minute: HOUR_MS, hour: DAY_MS };
/** A use after this long unused is told to D1 at once (see `record`). */
export const WAKE_AFTER_MS = HOUR_MS;
/** Reports of one hour are spread over this long after it ends, by credential, so homes do not all write at :00. */
export const REPORT_SPREAD_MS = 10 * MINUTE_MS;

const emptyTally = (): Tally => USAGE_OUTCOMES.map(() => 0);
export const floorTo = (at: number, step: number) => Math.floor(at / step) * step;
const addInto = (into: Tally, from: Tally) => {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
};

/** The home's own rows (its SQLite): minutes and hours, each a tally. */
export interface UsageStore {
  /** Adds `tally` to the row of `minute` and to the row of its hour. */
  add(minute: number, tally: Tally): void;
  /** Deletes minute rows before `minutesBefore` and hour rows before `hoursBefore`. */
  prune(minutesBefore: number, hoursBefore: number): void;
  /** Rows with `from <= at < to`, oldest first. */
  rows(granularity: Granularity, from: number, to: number): Array<{ at: number; tally: Tally }>;
}

/** What the home persists between requests (with its bucket). */
export interface LedgerState {
  /** The minute being counted, and its tally. */
  minute: number;
  tally: Tally;
  /** The last admitted request. */
  lastUsedAt: number | null;
  /** Hours before this are reported to D1. */
  reportedTo: number;
  /** The hour of the last request counted: hours from `reportedTo` up to it may hold something to report. */
  activeHour: number;
  /** When the home's alarm will report; null when none is set. */
  alarmAt: number | null;
}

/** One day's running totals of a credential, through the end of `through` (an hour's end): what D1 keeps for org-wide lists. */
export interface DayReport {
  day: number;
  through: number;
  tally: Tally;
}

export interface UsageSeries {
  from: number;
  to: number;
  granularity: Granularity;
  buckets: Array<{ at: number; tally: Tally }>;
  totals: Tally;
}

export class UsageLedger {
  constructor(
    private readonly store: UsageStore,
    public state: LedgerState,
    /** The credential's home's name: spreads its reports (`reportTime`). */
    private readonly key: string,
  ) {}

  static fresh(now: number): LedgerState {
    const hour = floorTo(now, HOUR_MS);
    return { minute: floorTo(now, MINUTE_MS), tally: emptyTally(), lastUsedAt: null, reportedTo: hour, activeHour: hour, alarmAt: null };
  }

  /**
   * Counts one request. Answers `alarmAt` when the home must set its alarm (none is pending), and
   * `woke` when this is the first admitted request after an hour or more unused: the home then tells
   * D1 at once, so that D1's last use lags only for credentials used within the hour before (the
   * inactivity rules, in days, can trust it).
   */
  record(outcome: UsageOutcome, now: number): { alarmAt: number | null; woke: boolean } {
    this.settle(now);
    const i = USAGE_OUTCOMES.indexOf(outcome);
    this.state.tally[i] = (this.state.tally[i] ?? 0) + 1;
    const before = this.state.lastUsedAt;
    const woke = outcome === "success" && (before === null || now - before >= WAKE_AFTER_MS);
    if (outcome === "success") this.state.lastUsedAt = Math.max(before ?? 0, now);
    this.state.activeHour = Math.max(this.state.activeHour, floorTo(now, HOUR_MS));
    // An alarm well past its time is one the runtime gave up on (its retries spent): set it again.
    if (this.state.alarmAt !== null && this.state.alarmAt + REPORT_SPREAD_MS > now) return { alarmAt: null, woke };
    this.state.alarmAt = reportTime(now, this.key);
    return { alarmAt: this.state.alarmAt, woke };
  }

  /** Moves a finished minute's tally into the rows (and prunes once an hour). Answers whether anything changed. */
  settle(now: number): boolean {
    const minute = floorTo(now, MINUTE_MS);
    if (minute <= this.state.minute) return false;
    const previous = this.state.minute;
    if (this.state.tally.some((n) => n > 0)) this.store.add(previous, this.state.tally);
    if (floorTo(minute, HOUR_MS) > floorTo(previous, HOUR_MS)) this.store.prune(now - RETENTION_MS.minute, now - RETENTION_MS.hour);
    this.state.minute = minute;
    this.state.tally = emptyTally();
    return true;
  }

  /**
   * The buckets from `from` to `to` (aligned to the step; empty ones included), the current minute
   * counted too. Defaults, by this ledger's clock: `to` now, `from` one `DEFAULT_SPAN_MS` before `to`.
   */
  series(granularity: Granularity, from: number | undefined, to: number | undefined, now: number): UsageSeries {
    // A read moves nothing (no `settle`): the tally in the state is placed where its minute falls,
    // so a read never writes rows that a state persisted before it would add a second time.
    to ??= now;
    from ??= to - DEFAULT_SPAN_MS[granularity];
    const step = STEP_MS[granularity];
    const start = floorTo(Math.max(from, now - RETENTION_MS[granularity]), step);
    // The bucket holding `now` is included (partly counted) when the range reaches past now.
    const end = Math.max(start, to > now ? floorTo(now, step) + step : floorTo(to - 1, step) + step);
    const buckets: UsageSeries["buckets"] = [];
    for (let at = start; at < end; at += step) buckets.push({ at, tally: emptyTally() });
    const totals = emptyTally();
    const place = (at: number, tally: Tally) => {
      const bucket = buckets[(floorTo(at, step) - start) / step];
      if (!bucket) return;
      addInto(bucket.tally, tally);
      addInto(totals, tally);
    };
    for (const row of this.store.rows(granularity, start, end)) place(row.at, row.tally);
    if (this.state.minute >= start && this.state.minute < end) place(this.state.minute, this.state.tally);
    return { from: start, to: end, granularity, buckets, totals };
  }

  /**
   * The days touched by the hours finished since the last report, each with its totals through the
   * last finished hour; empty when nothing is due. `reported` once the reports are safely sent.
   */
  dayReports(now: number): DayReport[] {
    this.settle(now);
    const through = floorTo(now, HOUR_MS);
    if (through <= this.state.reportedTo) return [];
    const rows = this.store.rows("hour", floorTo(this.state.reportedTo, DAY_MS), through);
    const days = new Map<number, DayReport>();
    for (const { at } of rows) {
      const day = floorTo(at, DAY_MS);
      if (at >= this.state.reportedTo && !days.has(day))
        days.set(day, { day, through: Math.min(day + DAY_MS, through), tally: emptyTally() });
    }
    // A day's report is its whole total so far (earlier hours included): D1 keeps the one with the latest `through`.
    for (const { at, tally } of rows) {
      const report = days.get(floorTo(at, DAY_MS));
      if (report) addInto(report.tally, tally);
    }
    return [...days.values()];
  }

  /** The reports of `dayReports(now)` were sent: answers when the next report is due, or null when nothing can be. */
  reported(now: number): number | null {
    this.state.reportedTo = Math.max(this.state.reportedTo, floorTo(now, HOUR_MS));
    this.state.alarmAt = this.state.activeHour >= this.state.reportedTo ? reportTime(now, this.key) : null;
    return this.state.alarmAt;
  }
}

/** When the report of the hour holding `now` is sent: after it ends, spread by credential over `REPORT_SPREAD_MS`. */
export function reportTime(now: number, credentialKey: string): number {
  let h = 0;
  for (let i = 0; i < credentialKey.length; i++) h = (h * 31 + credentialKey.charCodeAt(i)) >>> 0;
  return floorTo(now, HOUR_MS) + HOUR_MS + (h % REPORT_SPREAD_MS);
}
