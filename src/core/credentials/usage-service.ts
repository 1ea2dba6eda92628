/**
 * Reading usage: a credential's series by outcome (from its home, exact), its
 * live last use and credits (from its home, for single reads), and the org's
 * credentials ranked by requests over whole UTC days (from D1's daily totals,
 * which lag by up to one report: see `usage.ts`). Which credential a caller
 * may see is decided before this is asked (the kinds' own services), except
 * for the org-wide list, which is owners' only and decided here.
 */
import { invalid } from "../shared/errors";
import { requireOwner } from "../shared/kinds";
import type { Acting, Credential, CredentialKind } from "../shared/model";
import type { LiveUse, RankedCredential, UsageRanking, UsageReader } from "./ports";
import { DAY_MS, floorTo, type Granularity, RETENTION_MS, USAGE_DAYS_KEPT, type UsageSeries } from "./usage";
import { refOf } from "./verification-cache";

export interface SeriesInput {
  granularity?: Granularity;
  from?: number;
  to?: number;
}

export interface RankInput {
  from?: number;
  to?: number;
  /** "desc": most used first; "asc": least used (unused first). */
  order: "asc" | "desc";
  limit: number;
  cursor?: string;
  kind?: CredentialKind;
}

export class UsageService {
  constructor(
    private readonly homes: UsageReader,
    private readonly ranking: UsageRanking,
    private readonly now: () => number = Date.now,
  ) {}

  /** The credential's series; `from` and `to` default to the last hour (minutes) or day (hours), clipped to what is kept. */
  async series(credential: Credential, input: SeriesInput): Promise<UsageSeries & LiveUse> {
    const granularity = input.granularity ?? "hour";
    const { from, to } = input;
    if (from !== undefined && from >= (to ?? this.now())) throw invalid("from", "from must be before to");
    if (to !== undefined && to <= this.now() - RETENTION_MS[granularity])
      throw invalid(
        "to",
        `${granularity === "minute" ? "minutes are" : "hours are"} kept for ${RETENTION_MS[granularity] / DAY_MS} days only`,
      );
    // The defaults and the clip to what is kept are the home's, by its own clock.
    return this.homes.series({ ref: refOf(credential), credits: credential.policy?.credits ?? null, granularity, from, to });
  }

  /** The credential as its home knows it now: the last admitted request and the credits left, exact. */
  async live(credential: Credential): Promise<Credential> {
    const live = await this.homes.live(refOf(credential), credential.policy?.credits ?? null);
    return {
      ...credential,
      lastUsedAt: Math.max(credential.lastUsedAt ?? 0, live.lastUsedAt ?? 0) || null,
      creditsRemaining: live.creditsRemaining ?? credential.creditsRemaining,
    };
  }

  /** The org's credentials by requests over whole UTC days (`from` floored, `to` rounded up; default the last 30 days). */
  async rank(acting: Acting, input: RankInput): Promise<{ from: number; to: number; items: RankedCredential[]; next: string | null }> {
    requireOwner(acting.role, "Reading the org's usage");
    if (input.from !== undefined && input.to !== undefined && input.from >= input.to) throw invalid("from", "from must be before to");
    // Clipped to the days that can hold anything: none after today, none before D1's retention.
    const now = this.now();
    const today = floorTo(now, DAY_MS) + DAY_MS;
    const to = Math.min(floorTo((input.to ?? now) + DAY_MS - 1, DAY_MS), today);
    const from = Math.max(floorTo(input.from ?? to - 30 * DAY_MS, DAY_MS), today - USAGE_DAYS_KEPT * DAY_MS);
    if (from >= to) throw invalid(input.from === undefined ? "to" : "from", `the days kept are the last ${USAGE_DAYS_KEPT}`);
    const after = input.cursor === undefined ? undefined : readCursor(input.cursor);
    const rows = await this.ranking.rank({ ...input, orgId: acting.orgId, from, to, limit: input.limit + 1, after });
    const items = rows.slice(0, input.limit);
    const last = items.at(-1);
    const next = rows.length > input.limit && last ? writeCursor({ requests: last.requests, id: last.credential.id }) : null;
    return { from, to, items, next };
  }
}

/** base64url of `[requests, id]`: safe in a query string as it is. */
const writeCursor = (after: { requests: number; id: string }) =>
  btoa(JSON.stringify([after.requests, after.id]))
    .replace(/=+$/, "")
    .replaceAll("+", "-")
    .replaceAll("/", "_");

function readCursor(cursor: string): { requests: number; id: string } {
  try {
    const [requests, id] = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/"))) as unknown[];
    if (Number.isSafeInteger(requests) && typeof id === "string" && id.length <= 64) return { requests: requests as number, id };
  } catch {
    // answered below
  }
  throw invalid("cursor", "not a cursor this list handed out");
}
