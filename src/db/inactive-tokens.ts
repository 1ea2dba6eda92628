/**
 * The inactivity sweep on D1: the retirable Access tokens of accounts with
 * `service_token_inactivity` on (an index range per account: migration 0011's
 * `credentials_access_idle`), and their retirement in one batch, each
 * statement re-checking what made the token retirable.
 */
import type { IdleToken, InactiveTokenStore, Retirement } from "../core/credentials/ports";
import { insertEvent } from "./audit";
import { auditToRow } from "./rows/audit";
import { IDLE_TOKEN_COLUMNS, type IdleTokenRow, idleTokenFromRow } from "./rows/credentials";
import type { IdRow } from "./rows/shared";
import { insertSelect, type Params, prepare } from "./sql";

/** Not named by any policy rule of its account (`{"service_token": {"token_id": …}}` anywhere in include, require or exclude). */
const UNNAMED = `NOT EXISTS (SELECT 1 FROM access_policies p, json_tree(p.rules) j
  WHERE p.org_id = c.org_id AND j.key = 'token_id' AND j.value = c.id
    -- json_tree quotes the key in the path: $.exclude[0]."service_token"
    AND (j.path LIKE '%."service_token"' OR j.path LIKE '%.service_token'))`;

/** Still retirable by `action` at `cutoff`: its account still asks for it, unused and created before then, unnamed. */
const stillDue = (
  p: Params,
  r: Retirement,
) => `c.id = ${p.add(r.token.id)} AND c.org_id = ${p.add(r.token.orgId)} AND c.kind = 'access_token'
  ${r.token.action === "disable" ? "AND c.enabled = 1" : ""}
  AND coalesce(c.last_used_at, c.created_at) < ${p.add(r.cutoff)} AND c.created_at < ${p.add(r.cutoff)} AND ${UNNAMED}
  AND EXISTS (SELECT 1 FROM access_organizations o WHERE o.org_id = c.org_id AND o.inactivity_enabled = 1
    AND o.inactivity_action = ${p.add(r.token.action)} AND o.inactivity_days = ${p.add(r.token.thresholdDays)})`;

export class D1InactiveTokens implements InactiveTokenStore {
  constructor(private readonly db: D1Database) {}

  async idleTokens(now: number, limit: number): Promise<IdleToken[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${IDLE_TOKEN_COLUMNS}
      FROM access_organizations o JOIN credentials c ON c.org_id = o.org_id AND c.kind = 'access_token'
      WHERE o.inactivity_enabled = 1
        AND c.enabled IN (1, CASE o.inactivity_action WHEN 'delete' THEN 0 ELSE 1 END)
        AND coalesce(c.last_used_at, c.created_at) < ${p.add(now)} - o.inactivity_days * 86400000
        AND c.created_at < ${p.add(now)} - o.inactivity_days * 86400000
        AND ${UNNAMED}
      ORDER BY coalesce(c.last_used_at, c.created_at) LIMIT ${p.add(limit)}`,
    ).all<IdleTokenRow>();
    return results.map(idleTokenFromRow);
  }

  async retire(items: Retirement[], now: number): Promise<string[]> {
    if (!items.length) return [];
    const statements = items.flatMap((r) =>
      r.token.action === "delete"
        ? [
            // The event first, from the row still there; then the row, on the same conditions, in the same transaction.
            prepare(this.db, (p) => `${insertSelect(p, "audit_events", auditToRow(r.event))} FROM credentials c WHERE ${stillDue(p, r)}`),
            prepare(this.db, (p) => `DELETE FROM credentials AS c WHERE ${stillDue(p, r)} RETURNING id`),
          ]
        : [
            prepare(
              this.db,
              (p) => `UPDATE credentials AS c SET enabled = 0, updated_at = ${p.add(now)}, revision = revision + 1
                WHERE ${stillDue(p, r)} RETURNING id`,
            ),
            insertEvent(this.db, r.event, "changes() = 1"),
          ],
    );
    // The event INSERTs return no rows; the DELETEs and UPDATEs return the ids they retired.
    const results = await this.db.batch<IdRow>(statements);
    return results.flatMap((res) => (res.results ?? []).map((row) => row.id).filter((id) => typeof id === "string"));
  }
}
