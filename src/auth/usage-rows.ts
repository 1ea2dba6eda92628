/**
 * The usage rows of a credential's home, in the Durable Object's own SQLite
 * (the core's `UsageStore` port): one row per minute and one per hour, a
 * column per outcome. Written once per active minute (two upserts), never
 * per request; the tables are made on first use.
 */
import { floorTo, type Granularity, HOUR_MS, type Tally, USAGE_OUTCOMES, type UsageStore } from "../core/credentials/usage";

const TABLES: Record<Granularity, string> = { minute: "usage_minutes", hour: "usage_hours" };
const COLUMNS = USAGE_OUTCOMES.join(", ");
const ADD = USAGE_OUTCOMES.map((o) => `${o} = ${o} + excluded.${o}`).join(", ");
const PLACES = USAGE_OUTCOMES.map(() => "?").join(", ");

export class SqlUsageRows implements UsageStore {
  private ready = false;

  constructor(private readonly sql: SqlStorage) {}

  add(minute: number, tally: Tally): void {
    this.ensure();
    for (const [table, at] of [
      [TABLES.minute, minute],
      [TABLES.hour, floorTo(minute, HOUR_MS)],
    ] as const) {
      this.sql.exec(`INSERT INTO ${table} (at, ${COLUMNS}) VALUES (?, ${PLACES}) ON CONFLICT(at) DO UPDATE SET ${ADD}`, at, ...tally);
    }
  }

  prune(minutesBefore: number, hoursBefore: number): void {
    this.ensure();
    this.sql.exec(`DELETE FROM ${TABLES.minute} WHERE at < ?`, minutesBefore);
    this.sql.exec(`DELETE FROM ${TABLES.hour} WHERE at < ?`, hoursBefore);
  }

  rows(granularity: Granularity, from: number, to: number): Array<{ at: number; tally: Tally }> {
    this.ensure();
    const cursor = this.sql.exec<Record<string, number>>(
      `SELECT at, ${COLUMNS} FROM ${TABLES[granularity]} WHERE at >= ? AND at < ? ORDER BY at`,
      from,
      to,
    );
    return cursor.toArray().map((row) => ({ at: Number(row.at), tally: USAGE_OUTCOMES.map((o) => Number(row[o] ?? 0)) }));
  }

  private ensure(): void {
    if (this.ready) return;
    const columns = USAGE_OUTCOMES.map((o) => `${o} INTEGER NOT NULL DEFAULT 0`).join(", ");
    for (const table of Object.values(TABLES)) this.sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (at INTEGER PRIMARY KEY, ${columns})`);
    this.ready = true;
  }
}
