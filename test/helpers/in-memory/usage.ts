/** The home's usage rows in memory (the port `UsageStore`), for the core's unit tests. */
import { floorTo, type Granularity, HOUR_MS, type Tally, type UsageStore } from "../../../src/core/credentials/usage";

export class MemoryUsage implements UsageStore {
  readonly minutes = new Map<number, Tally>();
  readonly hours = new Map<number, Tally>();

  add(minute: number, tally: Tally): void {
    for (const [rows, at] of [
      [this.minutes, minute],
      [this.hours, floorTo(minute, HOUR_MS)],
    ] as const) {
      const row = rows.get(at) ?? tally.map(() => 0);
      rows.set(
        at,
        row.map((n, i) => n + (tally[i] ?? 0)),
      );
    }
  }

  prune(minutesBefore: number, hoursBefore: number): void {
    for (const at of this.minutes.keys()) if (at < minutesBefore) this.minutes.delete(at);
    for (const at of this.hours.keys()) if (at < hoursBefore) this.hours.delete(at);
  }

  rows(granularity: Granularity, from: number, to: number) {
    const rows = granularity === "minute" ? this.minutes : this.hours;
    return [...rows.entries()]
      .filter(([at]) => at >= from && at < to)
      .sort(([a], [b]) => a - b)
      .map(([at, tally]) => ({ at, tally: [...tally] }));
  }
}
