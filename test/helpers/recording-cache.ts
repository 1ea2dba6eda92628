/**
 * A `VerificationCache` for unit tests that writes each hold and release into
 * a timeline shared with the in-memory repository's writes, so a test can
 * read the order: hold → write → release. It can also refuse holds, as an
 * unreachable home does.
 */
import { DomainError } from "../../src/core/shared/errors";
import { type CredentialRef, refKey, type VerificationCache } from "../../src/core/credentials/verification-cache";

const keys = (refs: CredentialRef[]) => refs.map(refKey).sort().join(",");

export class RecordingCache implements VerificationCache {
  /** Set to make every hold fail, as when a home cannot be reached. */
  unreachable = false;
  /** Runs inside each hold, after it is recorded: where a test stages a write that races the hold. */
  duringHold: (() => Promise<void> | void) | null = null;
  /** How many holds were taken: the last one's id is `hold-<holdsTaken>`. */
  holdsTaken = 0;

  constructor(readonly timeline: string[] = []) {}

  async hold(refs: CredentialRef[]): Promise<string> {
    if (this.unreachable) throw new DomainError("unavailable", "home unreachable (test)");
    const id = `hold-${++this.holdsTaken}`;
    this.timeline.push(`hold ${keys(refs)}`);
    await this.duringHold?.();
    return id;
  }

  async release(holdId: string, refs: CredentialRef[], extra: CredentialRef[] = []): Promise<void> {
    this.timeline.push(`release ${holdId} ${keys(refs)}${extra.length ? ` + ${keys(extra)}` : ""}`);
  }
}
