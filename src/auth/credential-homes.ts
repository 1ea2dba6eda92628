/**
 * The write side of the credentials' homes: the `VerificationCache` port of the
 * core, reaching each home (a `CredentialObject`) by the name a request's
 * credential leads to.
 */
import { DomainError } from "../core/shared/errors";
import { type CredentialRef, HOLD_MS, refKey, type VerificationCache } from "../core/credentials/verification-cache";
import type { Env } from "../env";
import type { LiveUse, SeriesQuery, UsageReader } from "../core/credentials/ports";
import type { UsageSeries } from "../core/credentials/usage";
import type { Credits } from "../core/shared/policy";

export class DurableObjectHomes implements VerificationCache, UsageReader {
  constructor(private readonly env: Pick<Env, "CREDENTIALS">) {}

  async hold(refs: CredentialRef[]): Promise<string> {
    const holdId = crypto.randomUUID();
    const until = Date.now() + HOLD_MS;
    try {
      await Promise.all(refs.map((ref) => this.home(ref).hold(holdId, until)));
    } catch (err) {
      console.error("credential object unreachable (hold):", err instanceof Error ? err.message : String(err));
      throw new DomainError(
        "unavailable",
        "A credential's verification home could not be reached, so nothing was changed; retry the request",
        {
          retryAfter: 1,
        },
      );
    }
    return holdId;
  }

  async release(holdId: string, refs: CredentialRef[], extra: CredentialRef[] = []): Promise<void> {
    // A lost release only delays caching: the hold expires by itself.
    const released = await Promise.allSettled(refs.map((ref) => this.home(ref).release(holdId)));
    const lost = released.filter((r) => r.status === "rejected").length;
    if (lost)
      console.error(`credential object unreachable (release): ${lost} of ${refs.length}; their holds expire in ${HOLD_MS / 1000} s`);
    // Homes the hold did not cover (credentials created while the write ran) must hear of it now.
    try {
      await Promise.all(extra.map((ref) => this.home(ref).release("")));
    } catch (err) {
      console.error("credential object unreachable (late release):", err instanceof Error ? err.message : String(err));
      throw new DomainError(
        "unavailable",
        "The change was made, but a credential created meanwhile could not be told; repeat the request to make sure it is refused",
      );
    }
  }

  live(ref: CredentialRef, credits: Credits | null): Promise<LiveUse> {
    return this.home(ref).live(credits);
  }

  series(q: SeriesQuery): Promise<UsageSeries & LiveUse> {
    return this.home(q.ref).series(q.granularity, q.from, q.to, q.credits);
  }

  private home(ref: CredentialRef) {
    return this.env.CREDENTIALS.get(this.env.CREDENTIALS.idFromName(refKey(ref)));
  }
}
