/**
 * The org ranking's query shape over `usage_days` (migration 0013): a
 * credential's listed columns with its summed requests (`total`) and its
 * outcomes summed under `u_` (see `shared.ts` for the style).
 */
import { USAGE_OUTCOMES, type UsageOutcome } from "../../core/credentials/usage";
import type { RankedCredential } from "../../core/credentials/ports";
import { credentialFromRow, type SelectedCredential } from "./credentials";
import type { Aliased } from "./shared";

/** `SELECT <LISTED_SELECT>, total, u_<outcome>…` of the ranking. */
export type RankedRow = SelectedCredential & { total: number } & Aliased<Record<UsageOutcome, number>, "u_">;

export const rankedFromRow = (row: RankedRow): RankedCredential => ({
  credential: credentialFromRow(row),
  requests: row.total,
  tally: USAGE_OUTCOMES.map((o) => row[`u_${o}`]),
});
