/** The usage ledger's rollups (core/credentials/usage.ts) under a driven clock, on the in-memory rows. */
import { describe, expect, it } from "vitest";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  REPORT_SPREAD_MS,
  reportTime,
  USAGE_OUTCOMES,
  UsageLedger,
  type UsageOutcome,
} from "../../../src/core/credentials/usage";
import { MemoryUsage } from "../../helpers/in-memory/usage";

const start = Date.UTC(2026, 0, 1);
const ledgerAt = (now: number) => {
  const store = new MemoryUsage();
  return { store, ledger: new UsageLedger(store, UsageLedger.fresh(now), "cred-1") };
};
const count = (tally: number[], outcome: UsageOutcome) => tally[USAGE_OUTCOMES.indexOf(outcome)];

describe("UsageLedger", () => {
  it("keeps the current minute in its state and moves it into the minute and hour rows when the minute ends", () => {
    const { store, ledger } = ledgerAt(start);
    ledger.record("success", start + 1_000);
    ledger.record("wrong_secret", start + 59_999);
    expect(store.minutes.size).toBe(0);
    expect(count(ledger.state.tally, "success")).toBe(1);
    ledger.record("rate_limited", start + MINUTE_MS);
    expect(store.rows("minute", 0, Infinity)).toEqual([{ at: start, tally: [1, 0, 0, 0, 0, 0, 1] }]);
    expect(store.rows("hour", 0, Infinity)).toEqual([{ at: start, tally: [1, 0, 0, 0, 0, 0, 1] }]);
    // The series counts the minute still open too.
    const series = ledger.series("minute", start, start + 2 * MINUTE_MS, start + MINUTE_MS + 5);
    expect(series.buckets.map((b) => b.tally)).toEqual([
      [1, 0, 0, 0, 0, 0, 1],
      [0, 1, 0, 0, 0, 0, 0],
    ]);
    expect(series.totals).toEqual([1, 1, 0, 0, 0, 0, 1]);
    expect(ledger.state.lastUsedAt).toBe(start + 1_000);
  });

  it("reads without moving anything: a read after the minute ends leaves the rows and the state as they were", () => {
    const { store, ledger } = ledgerAt(start);
    ledger.record("success", start + 1_000);
    ledger.record("success", start + 2_000);
    const before = structuredClone(ledger.state);
    const read = () => ledger.series("minute", start, start + 3 * MINUTE_MS, start + 2 * MINUTE_MS + 5).totals[0];
    expect(read()).toBe(2);
    expect(read()).toBe(2);
    expect(store.minutes.size).toBe(0);
    expect(ledger.state).toEqual(before);
  });

  it("answers dense buckets aligned to the step, clipped to the retention and to now", () => {
    const { ledger } = ledgerAt(start);
    const now = start + 3 * DAY_MS + 30 * MINUTE_MS;
    ledger.record("success", now - 2 * HOUR_MS);
    const minutes = ledger.series("minute", 0, now + DAY_MS, now);
    expect(minutes.from).toBe(now - 30 * MINUTE_MS - DAY_MS + 30 * MINUTE_MS);
    expect(minutes.buckets).toHaveLength(24 * 60 + 1);
    expect(minutes.to).toBe(now + MINUTE_MS - (now % MINUTE_MS));
    const hours = ledger.series("hour", now - 5 * HOUR_MS - 17, now, now);
    expect(hours.buckets.map((b) => b.at)).toEqual([0, 1, 2, 3, 4, 5].map((h) => now - 30 * MINUTE_MS - (5 - h) * HOUR_MS));
    expect(hours.totals[0]).toBe(1);
  });

  it("keeps minutes for 24 hours and hours for 30 days", () => {
    const { store, ledger } = ledgerAt(start);
    for (let hour = 0; hour < 31 * 24; hour++) ledger.record("success", start + hour * HOUR_MS);
    ledger.settle(start + 31 * 24 * HOUR_MS);
    const now = start + 31 * DAY_MS;
    expect(Math.min(...store.minutes.keys())).toBeGreaterThanOrEqual(now - DAY_MS - HOUR_MS);
    expect(Math.min(...store.hours.keys())).toBeGreaterThanOrEqual(now - 30 * DAY_MS - HOUR_MS);
    expect(ledger.series("hour", 0, now, now).totals[0]).toBe(30 * 24);
    expect(ledger.series("minute", 0, now, now).totals[0]).toBe(24);
  });

  it("reports each finished hour once, as its day's running total, and asks for an alarm only while something is due", () => {
    const { ledger } = ledgerAt(start);
    const first = ledger.record("success", start + 10 * MINUTE_MS).alarmAt;
    expect(first).toBe(reportTime(start, "cred-1"));
    expect(first).toBeGreaterThanOrEqual(start + HOUR_MS);
    expect(first).toBeLessThan(start + HOUR_MS + REPORT_SPREAD_MS);
    // A second request in the hour asks for no second alarm.
    expect(ledger.record("expired", start + 20 * MINUTE_MS).alarmAt).toBeNull();
    // Nothing is due before the hour ends.
    expect(ledger.dayReports(start + 50 * MINUTE_MS)).toEqual([]);

    const alarm = start + HOUR_MS + 5 * MINUTE_MS;
    ledger.record("success", start + HOUR_MS + MINUTE_MS);
    expect(ledger.dayReports(alarm)).toEqual([{ day: start, through: start + HOUR_MS, tally: [1, 0, 0, 0, 0, 1, 0] }]);
    // Used in the current hour: the next report is due after it.
    expect(ledger.reported(alarm)).toBe(reportTime(alarm, "cred-1"));
    expect(ledger.dayReports(alarm)).toEqual([]);
    // The next report carries the whole day so far, not only the new hour.
    const next = start + 2 * HOUR_MS + 3 * MINUTE_MS;
    expect(ledger.dayReports(next)).toEqual([{ day: start, through: start + 2 * HOUR_MS, tally: [2, 0, 0, 0, 0, 1, 0] }]);
    // Nothing used since: no further alarm.
    expect(ledger.reported(next)).toBeNull();
  });

  it("wakes D1 for the first admitted request after an hour or more unused, and only then", () => {
    const { ledger } = ledgerAt(start);
    expect(ledger.record("success", start).woke).toBe(true);
    expect(ledger.record("success", start + 59 * MINUTE_MS).woke).toBe(false);
    // Refusals are no use: they wake nothing, and the unused hour is counted from the last admitted request.
    expect(ledger.record("wrong_secret", start + 2 * HOUR_MS).woke).toBe(false);
    expect(ledger.record("success", start + 59 * MINUTE_MS + HOUR_MS).woke).toBe(true);
  });

  it("sets the alarm again when the one it set is well past its time (the runtime gave up on it)", () => {
    const { ledger } = ledgerAt(start);
    const set = ledger.record("success", start).alarmAt!;
    expect(ledger.record("success", set + REPORT_SPREAD_MS - 1).alarmAt).toBeNull();
    const again = ledger.record("success", set + REPORT_SPREAD_MS).alarmAt;
    expect(again).toBe(reportTime(set + REPORT_SPREAD_MS, "cred-1"));
  });

  it("splits a report over midnight into its days, each through its own end", () => {
    const { ledger } = ledgerAt(start + DAY_MS - 2 * HOUR_MS);
    ledger.record("success", start + DAY_MS - 90 * MINUTE_MS);
    ledger.record("ip_refused", start + DAY_MS - 10 * MINUTE_MS);
    ledger.record("success", start + DAY_MS + 10 * MINUTE_MS);
    const reports = ledger.dayReports(start + DAY_MS + 2 * HOUR_MS);
    expect(reports).toEqual([
      { day: start, through: start + DAY_MS, tally: [1, 0, 0, 1, 0, 0, 0] },
      { day: start + DAY_MS, through: start + DAY_MS + 2 * HOUR_MS, tally: [1, 0, 0, 0, 0, 0, 0] },
    ]);
  });

  it("counts exactly what it was told, outcome by outcome, whatever the interleaving of minutes", () => {
    const { ledger } = ledgerAt(start);
    const told = USAGE_OUTCOMES.map(() => 0);
    let now = start;
    let seed = 7;
    for (let i = 0; i < 5_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const i = seed % USAGE_OUTCOMES.length;
      const outcome = USAGE_OUTCOMES[i] ?? "success";
      now += seed % 20_000;
      ledger.record(outcome, now);
      told[i] = (told[i] ?? 0) + 1;
    }
    expect(now - start).toBeLessThan(DAY_MS);
    expect(ledger.series("minute", start, now + 1, now).totals).toEqual(told);
    expect(ledger.series("hour", start, now + 1, now).totals).toEqual(told);
  });
});
