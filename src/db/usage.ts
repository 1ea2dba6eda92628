/**
 * D1's side of usage: the homes' hourly reports, a whole batch of them in two
 * statements (each report passed as JSON and unpacked by `json_each`, so the
 * statement count does not grow with the batch), and the org-wide ranking.
 * Retention: the cron deletes days older than `USAGE_DAYS_KEPT`.
 */
import type { UsageReport, UsageTotalsStore } from "../core/credentials/ports";
import { DAY_MS, USAGE_DAYS_KEPT, USAGE_OUTCOMES } from "../core/credentials/usage";
import type { RankedCredential, RankQuery, UsageRanking } from "../core/credentials/ports";
import { LISTED_SELECT } from "./rows/credentials";
import { type RankedRow, rankedFromRow } from "./rows/usage";
import { prepare } from "./sql";

const SET_AT = "json_extract(policy, '$.credits.setAt')";

export class D1Usage implements UsageTotalsStore, UsageRanking {
  constructor(private readonly db: D1Database) {}

  async apply(reports: UsageReport[]): Promise<number> {
    if (!reports.length) return 0;
    const days = JSON.stringify(reports.flatMap((r) => r.days.map((d) => [r.id, d.day, d.through, ...d.tally])));
    // One row per credential for the UPDATE … FROM (which would take any one of several): its latest report's.
    const latest = new Map<string, UsageReport>();
    for (const r of reports) if ((latest.get(r.id)?.lastUsedAt ?? -1) <= (r.lastUsedAt ?? -1)) latest.set(r.id, r);
    const uses = JSON.stringify(
      [...latest.values()].map((r) => [r.id, r.lastUsedAt, r.credits?.setAt ?? null, r.credits?.remaining ?? null]),
    );
    const at = (i: number) => `json_extract(value, '$[${i}]')`;
    // A tally shorter than today's outcomes (a home from before one was added) counts 0 for the rest.
    const counts = USAGE_OUTCOMES.map((_, i) => `coalesce(${at(3 + i)}, 0)`);
    const outcomes = counts.join(", ");
    const sum = counts.join(" + ");
    const statements = [
      // A day's report is its running total: the one through the latest hour wins, in any order of arrival.
      prepare(
        this.db,
        (p) => `INSERT INTO usage_days (credential_id, day, through, requests, ${USAGE_OUTCOMES.join(", ")})
          SELECT ${at(0)}, ${at(1)}, ${at(2)}, ${sum}, ${outcomes} FROM json_each(${p.add(days)}) WHERE true
          ON CONFLICT (credential_id, day) DO UPDATE SET through = excluded.through, requests = excluded.requests,
            ${USAGE_OUTCOMES.map((o) => `${o} = excluded.${o}`).join(", ")}
          WHERE excluded.through > usage_days.through`,
      ),
      // The last use only moves forward; the credits copy follows it while the owner's setting is the one counted.
      prepare(
        this.db,
        (p) => `UPDATE credentials SET last_used_at = r.used,
            credits_remaining = CASE WHEN r.set_at IS NOT NULL AND ${SET_AT} = r.set_at THEN r.remaining ELSE credits_remaining END
          FROM (SELECT ${at(0)} AS id, ${at(1)} AS used, ${at(2)} AS set_at, ${at(3)} AS remaining FROM json_each(${p.add(uses)})) AS r
          WHERE credentials.id = r.id AND r.used IS NOT NULL AND r.used > coalesce(credentials.last_used_at, 0)`,
      ),
    ];
    await this.db.batch(statements);
    return statements.length;
  }

  async rank(q: RankQuery): Promise<RankedCredential[]> {
    const { results } = await prepare(this.db, (p) => {
      const after = q.after
        ? `HAVING total ${q.order === "desc" ? "<" : ">"} ${p.add(q.after.requests)} OR (total = ${p.add(q.after.requests)} AND c.id > ${p.add(q.after.id)})`
        : "";
      return `SELECT ${LISTED_SELECT}, coalesce(sum(u.requests), 0) AS total,
          ${USAGE_OUTCOMES.map((o) => `coalesce(sum(u.${o}), 0) AS u_${o}`).join(", ")}
        FROM credentials c
        LEFT JOIN usage_days u ON u.credential_id = c.id AND u.day >= ${p.add(q.from)} AND u.day < ${p.add(q.to)}
        WHERE c.org_id = ${p.add(q.orgId)} ${q.kind ? `AND c.kind = ${p.add(q.kind)}` : ""}
        GROUP BY c.id ${after}
        ORDER BY total ${q.order === "desc" ? "DESC" : "ASC"}, c.id ASC LIMIT ${p.add(q.limit)}`;
    }).all<RankedRow>();
    return results.map(rankedFromRow);
  }

  /** Deletes days past retention, a bounded number per call (the cron calls it every run). */
  async prune(now: number, limit = 5_000): Promise<number> {
    const { meta } = await prepare(
      this.db,
      (p) => `DELETE FROM usage_days WHERE (credential_id, day) IN
        (SELECT credential_id, day FROM usage_days WHERE day < ${p.add(now - USAGE_DAYS_KEPT * DAY_MS)} LIMIT ${p.add(limit)})`,
    ).run();
    return meta.changes ?? 0;
  }
}
