/**
 * A credential's home's usage: counts each request it decides (core
 * `UsageLedger` over the object's own SQLite), and once an hour, from the
 * object's alarm, reports the finished hours to D1 through the usage queue.
 *
 * Cost (see BENCHMARKS.md "Usage at a million credentials"): nothing per
 * request but a few numbers more in the storage write the request already
 * makes; two SQLite upserts in the object per active minute; one alarm and one
 * queue message per active hour (and one more for a use after an hour or more
 * unused). D1 sees none of it until the queue's consumer writes a whole batch
 * of reports in two statements.
 */
import type { Credits } from "../core/shared/policy";
import type { Clock } from "../core/shared/clock";
import type { LiveUse, UsageOutbox, UsageReport } from "../core/credentials/ports";
import { type Granularity, type LedgerState, UsageLedger, type UsageOutcome, type UsageSeries } from "../core/credentials/usage";
import { creditsAt, type CreditsState } from "../ratelimit/credits";
import { SqlUsageRows } from "./usage-rows";

/** What the home persists of its usage (with its bucket); `subject`: whose counts these are, so that the alarm can report with no record loaded. */
export interface SavedUsage {
  usage?: LedgerState;
  subject?: string;
}

/** After a failed send, the alarm tries again this much later (its own retries, which never run out). */
const RETRY_MS = 5 * 60_000;

export class HomeUsage {
  private readonly ledger: UsageLedger;
  private subject: string | undefined;

  constructor(
    private readonly ctx: DurableObjectState,
    saved: SavedUsage | undefined,
    /** Where reports go, and the clock of the counts (compressed in the usage simulation; driven by test/integration/usage/). */
    private readonly parts: { outbox: UsageOutbox; clock: Clock },
    /** Persists `saved()` (with the rest of the home's state) in one synchronous write. */
    private readonly save: () => void,
  ) {
    this.ledger = new UsageLedger(
      new SqlUsageRows(ctx.storage.sql),
      saved?.usage ?? UsageLedger.fresh(parts.clock.now()),
      ctx.id.toString(),
    );
    this.subject = saved?.subject;
  }

  /** What to persist with the bucket (the caller writes it in the request's one storage write). */
  saved(): SavedUsage {
    return { usage: this.ledger.state, subject: this.subject };
  }

  /** Counts one request of credential `id` that ended with `outcome`, now (by this object's clock). */
  count(outcome: UsageOutcome, id: string, credits: CreditsState | undefined): void {
    this.subject = id;
    const now = this.parts.clock.now();
    const { alarmAt, woke } = this.ledger.record(outcome, now);
    // Once an hour at most: the report of this hour (storage writes are coalesced with the request's).
    if (alarmAt !== null) void this.ctx.storage.setAlarm(this.parts.clock.toReal(alarmAt));
    // Used again after an hour or more: D1 hears of the use now, off the response path.
    if (woke) {
      this.ctx.waitUntil(
        this.parts.outbox.send(this.reportOf(id, [], credits)).catch((err: unknown) => {
          console.error("usage: the wake-up report failed; the hourly one carries it:", err instanceof Error ? err.message : String(err));
        }),
      );
    }
  }

  live(credits: Credits | null, state: CreditsState | undefined): LiveUse {
    return {
      lastUsedAt: this.ledger.state.lastUsedAt,
      creditsRemaining: credits ? creditsAt(state, credits, this.parts.clock.now()).remaining : null,
    };
  }

  series(granularity: Granularity, from: number | undefined, to: number | undefined): UsageSeries {
    return this.ledger.series(granularity, from, to, this.parts.clock.now());
  }

  /** The alarm: sends the finished hours' report, then sets the next alarm; a failed send is tried again in RETRY_MS. */
  async report(credits: CreditsState | undefined): Promise<void> {
    const now = this.parts.clock.now();
    // A finished minute moves into the rows now, and the state that no longer holds it is saved in
    // the same step: an eviction during the send below cannot make it count twice.
    if (this.ledger.settle(now)) this.save();
    const days = this.ledger.dayReports(now);
    if (days.length && this.subject) {
      try {
        await this.parts.outbox.send(this.reportOf(this.subject, days, credits));
      } catch (err) {
        console.error("usage: the hourly report failed; retried in 5 minutes:", err instanceof Error ? err.message : String(err));
        await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
        return;
      }
    }
    const next = this.ledger.reported(now);
    if (next !== null) await this.ctx.storage.setAlarm(this.parts.clock.toReal(next));
  }

  private reportOf(id: string, days: UsageReport["days"], credits: CreditsState | undefined): UsageReport {
    return {
      id,
      days,
      lastUsedAt: this.ledger.state.lastUsedAt,
      credits: credits ? { setAt: credits.setAt, remaining: credits.remaining } : null,
    };
  }
}
