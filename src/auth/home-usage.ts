/**
 * A credential's home's usage: counts each request it decides (core
 * `UsageLedger` over the object's own SQLite), and once an hour, from the
 * object's alarm, reports the finished hours to D1 through the usage queue.
 *
 * Cost (see BENCHMARKS.md "Usage at a million credentials"): nothing per
 * request but a few numbers more in the storage write the request already
 * makes; two SQLite upserts in the object per active minute; one alarm and one
 * queue message per active hour. D1 sees none of it until the queue's
 * consumer writes a whole batch of reports in two statements.
 */
import type { CredentialPolicy } from "../core/shared/policy";
import type { LiveUse, UsageOutbox } from "../core/credentials/ports";
import { type Granularity, type LedgerState, UsageLedger, type UsageOutcome, type UsageSeries } from "../core/credentials/usage";
import { creditsAt, type CreditsState } from "../ratelimit/credits";
import { SqlUsageRows } from "./usage-rows";
import type { Clock } from "../core/shared/clock";

/** Whose counts these are: kept with them, so that the alarm can report with no record loaded. */
export interface Subject {
  id: string;
  orgId: string;
}

export interface SavedUsage {
  usage?: LedgerState;
  subject?: Subject;
}

export class HomeUsage {
  private readonly ledger: UsageLedger;
  private subject: Subject | undefined;

  constructor(
    private readonly storage: DurableObjectStorage,
    saved: SavedUsage | undefined,
    key: string,
    /** The clock of the counts and reports (compressed in the usage simulation; driven by test/integration/usage/). */
    private readonly clock: Clock,
    /** Persists `saved()` (with the rest of the home's state) in one synchronous write. */
    private readonly save: () => void,
  ) {
    this.ledger = new UsageLedger(new SqlUsageRows(storage.sql), saved?.usage ?? UsageLedger.fresh(clock.now()), key);
    this.subject = saved?.subject;
  }

  /** What to persist with the bucket (the caller writes it in the request's one storage write). */
  saved(): SavedUsage {
    return { usage: this.ledger.state, subject: this.subject };
  }

  /** Counts one request of `subject` that ended with `outcome`, now (by this object's clock, which tests drive). */
  count(outcome: UsageOutcome, subject: Subject): void {
    if (this.subject?.id !== subject.id || this.subject.orgId !== subject.orgId) this.subject = { id: subject.id, orgId: subject.orgId };
    const alarmAt = this.ledger.record(outcome, this.now());
    // Once an hour at most: the report of this hour (storage writes are coalesced with the request's).
    if (alarmAt !== null) void this.storage.setAlarm(this.clock.toReal(alarmAt));
  }

  private now(): number {
    return this.clock.now();
  }

  live(credits: CredentialPolicy["credits"], state: CreditsState | undefined): LiveUse {
    return {
      lastUsedAt: this.ledger.state.lastUsedAt,
      creditsRemaining: credits ? creditsAt(state, credits, this.now()).remaining : null,
    };
  }

  series(granularity: Granularity, from: number | undefined, to: number | undefined): UsageSeries {
    return this.ledger.series(granularity, from, to, this.now());
  }

  /** The alarm: sends the finished hours' report (a failure throws, and the runtime retries the alarm), then sets the next one. */
  async report(outbox: UsageOutbox, credits: CreditsState | undefined): Promise<void> {
    const now = this.now();
    // A finished minute moves into the rows now, and the state that no longer holds it is saved in
    // the same step: an eviction during the send below cannot make it count twice.
    if (this.ledger.settle(now)) this.save();
    const days = this.ledger.dayReports(now);
    if (days.length && this.subject) {
      await outbox.send({
        ...this.subject,
        days,
        lastUsedAt: this.ledger.state.lastUsedAt,
        credits: credits ? { setAt: credits.setAt, remaining: credits.remaining } : null,
      });
    }
    const next = this.ledger.reported(now);
    if (next !== null) await this.storage.setAlarm(this.clock.toReal(next));
  }
}
