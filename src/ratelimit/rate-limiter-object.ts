/**
 * One Durable Object per counted key (a credential, or a client IP's failed
 * authentications). SQLite-backed; RPC only. Requests to one object run one
 * after another, and `take` has no await between reading and writing the
 * bucket, so no two requests can both take the last token.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { type BucketObject, type BucketState, type Decision, type Policy, refund, take } from "./token-bucket";

const KEY = "bucket";

interface Stored extends BucketState {
  /** The window of the last policy applied: after that long untouched, the bucket is full again. */
  windowSeconds: number;
}

export class RateLimiter extends DurableObject<Env> implements BucketObject {
  private stored: Stored | undefined;
  private alarmPending = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Persisted so that an evicted object does not forget what it counted.
    this.stored = ctx.storage.kv.get<Stored>(KEY);
  }

  /** Takes one token under `policy`. */
  take(policy: Policy): Decision {
    const now = Date.now();
    const { state, decision } = take(this.stored, policy, now);
    this.stored = { ...state, windowSeconds: policy.windowSeconds };
    this.ctx.storage.kv.put(KEY, this.stored);
    if (!this.alarmPending) {
      this.alarmPending = true;
      void this.ctx.storage.setAlarm(now + policy.windowSeconds * 1000);
    }
    return decision;
  }

  /** Gives back one token taken in advance (a request that was counted before it was judged, and did not fail). */
  refund(policy: Policy): void {
    if (!this.stored) return;
    this.stored = { ...refund(this.stored, policy, Date.now()), windowSeconds: policy.windowSeconds };
    this.ctx.storage.kv.put(KEY, this.stored);
  }

  /** Drops the state once the bucket must be full again (a fresh object is a full bucket): no storage for idle keys. */
  override async alarm(): Promise<void> {
    const stored = this.stored;
    if (!stored) return;
    const fullAt = stored.updatedAt + stored.windowSeconds * 1000;
    if (Date.now() >= fullAt) {
      this.stored = undefined;
      this.alarmPending = false;
      await this.ctx.storage.deleteAll();
    } else {
      await this.ctx.storage.setAlarm(fullAt);
    }
  }
}
