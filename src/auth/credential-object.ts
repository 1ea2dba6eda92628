/**
 * A credential's home: the one Durable Object that verifies it and counts its
 * requests. It holds the credential's verification record (hashes, state,
 * expiry, the grace-period secret, and the owner, org and role the identity
 * needs), read through from D1 on first use; D1 stays the system of record.
 * An authenticated request is one call here: compare the secret in constant
 * time, check state and expiry, take a token, answer who it is.
 *
 * Revocation stays immediate because every write that can change validity
 * holds this object before it writes D1 and releases it after (see
 * `core/credentials/verification-cache.ts`): a held object caches nothing, and a load that
 * raced a hold (its generation changed meanwhile) is used once, never kept.
 * Holds are persisted, so an eviction does not forget one. A record is also
 * re-read after RECORD_MAX_AGE_MS, which bounds a stale record left by a write
 * that bypassed the protocol.
 */
import { DurableObject } from "cloudflare:workers";
import type { AuthFailure } from "../core/shared/errors";
import { type SecretHash, SecretHasher } from "../core/credentials/hashing";
import type { Credential } from "../core/shared/model";
import type { Credits } from "../core/shared/policy";
import type { LiveUse, VerificationStore } from "../core/credentials/ports";
import type { Granularity, UsageOutcome, UsageSeries } from "../core/credentials/usage";
import type { CredentialRef } from "../core/credentials/verification-cache";
import { AllowlistMemo } from "./allowlist-memo";
import { homePartsFor } from "../services";
import type { Env } from "../env";
import { creditsAt, type CreditsState, secondsToRefill } from "../ratelimit/credits";
import { type BucketState, type Decision, type Policy, take } from "../ratelimit/token-bucket";
import { type CredentialHome, REFUSAL_OUTCOME, type VerificationRecord, type VerifyOutcome, type VerifyRequest } from "./home-protocol";
import { HomeUsage, type SavedUsage } from "./home-usage";

/** `of`: the credential refused, when it is known (its usage counts the refusal; it never leaves the object). */
type Failure =
  | { ok: false; failure: "unknown" }
  | { ok: false; failure: Extract<AuthFailure, "invalid_secret" | "disabled" | "expired">; of: Credential };
type Proven = Failure | { ok: true; record: VerificationRecord; usedPrevious: boolean };

/** Even without writes, a record is re-read from D1 this often (see ARCHITECTURE.md for the D1 cost). */
export const RECORD_MAX_AGE_MS = 60 * 60_000;

type Saved = BucketState & SavedUsage & { of?: string; credits?: CreditsState };

const BUCKET = "bucket";
const HOLDS = "holds";

export class CredentialObject extends DurableObject<Env> implements CredentialHome {
  private record: VerificationRecord | null | undefined;
  private loadedAt = 0;
  /** Bumped by every hold and release: a load that saw it change is not kept. */
  private generation = 0;
  private holds: Record<string, number>;
  private bucket: Saved | undefined;
  /** The credits of the credential's policy as counted here; their setting travels in the record. */
  private credits: CreditsState | undefined;
  private readonly allowlist = new AllowlistMemo<VerificationRecord>();
  private readonly repo: VerificationStore;
  private readonly usage: HomeUsage;
  /** D1 statements prepared so far, by this object (reported to the benchmark only). */
  private statements = 0;
  /** `statements` when the last verification had read what it needed (its writes come after the answer). */
  private readsDone = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const parts = homePartsFor(env, () => this.statements++);
    this.repo = parts.store;
    const saved = ctx.storage.kv.get<Saved>(BUCKET);
    this.bucket = saved?.of ? saved : undefined;
    this.credits = saved?.credits;
    this.usage = new HomeUsage(ctx, saved, parts, () => this.save());
    this.holds = ctx.storage.kv.get<Record<string, number>>(HOLDS) ?? {};
  }

  /** Verifies a presented secret; on success takes one token of the credential's bucket. */
  async verify(req: VerifyRequest): Promise<VerifyOutcome> {
    const before = this.statements;
    const outcome = await this.decide(req);
    // The benchmark counts the D1 statements a home makes for the request (src/bench/metrics.ts reads
    // them off the answer): a number beside the protocol's answer, not part of its type.
    return Object.assign(outcome, { d1Statements: this.readsDone - before });
  }

  private async decide(req: VerifyRequest): Promise<VerifyOutcome> {
    // A hold that arrives while this verification awaits its digests voids it: verify again on
    // what the hold left (a fresh read), so no answer rests on a record a write has replaced.
    let outcome: Proven | undefined;
    for (let attempt = 0; attempt < 3 && !outcome; attempt++) {
      const generation = this.generation;
      const proven = await this.prove(req);
      if (generation === this.generation) outcome = proven;
    }
    // Writes kept landing while this verified: answer nothing rather than what one of them replaced.
    this.readsDone = this.statements;
    if (!outcome) return { ok: false, failure: "busy" };
    if (!outcome.ok) {
      if (outcome.failure !== "unknown") this.count(REFUSAL_OUTCOME[outcome.failure], outcome.of);
      return { ok: false, failure: outcome.failure };
    }
    // The credential's policy, decided here in one synchronous step (no await from the first check to the
    // last write), so concurrent requests can never share the last credit or token.
    const { record } = outcome;
    const limits = record.credential.policy;
    if (limits?.ipAllowlist && !this.allowlist.allowed(record, limits.ipAllowlist, req.ip)) {
      this.count("ip_refused", record.credential);
      return { ok: false, failure: "ip_not_allowed" };
    }
    const now = Date.now();
    const policy = limits?.rateLimit ? { name: req.policy.name, ...limits.rateLimit } : req.policy;
    const credits = limits?.credits ? creditsAt(this.credits, limits.credits, now) : undefined;
    if (credits && credits.remaining <= 0) {
      this.count("credits_exhausted", record.credential);
      return { ok: false, failure: "credits_exhausted", retryAfterSeconds: secondsToRefill(limits!.credits!, now) };
    }
    const decision = this.take(policy, now);
    if (decision.allowed && credits) this.spend(record.credential, credits, now);
    this.count(decision.allowed ? "success" : "rate_limited", record.credential);
    return { ok: true, record: withoutHashes(record), usedPrevious: outcome.usedPrevious, decision, policy };
  }

  /**
   * Spends one credit, kept in this object's storage with the bucket (an eviction forgets nothing).
   * D1's copy is informational and rides on the hourly usage report; the exhaustion is written at
   * once (its event).
   */
  private spend(credential: Credential, credits: CreditsState, now: number): void {
    credits.remaining -= 1;
    this.credits = credits;
    if (credits.remaining > 0) return;
    this.ctx.waitUntil(this.repo.noteCreditsExhausted(credential.id, credits.setAt, now).catch(logFailure("credits-exhausted write")));
  }

  /** Checks the secret, state and expiry; takes nothing. */
  private async prove(req: VerifyRequest): Promise<Proven> {
    const record = await this.current(req.ref);
    if (!record || record.credential.kind !== req.kind) return { ok: false, failure: "unknown" };
    const { credential } = record;
    const hasher = new SecretHasher(req.peppers);
    const now = Date.now();
    let verified: SecretHash = { hash: credential.secretHash, version: credential.hashVersion };
    let usedPrevious = false;
    if (!(await hasher.verify(req.secret, verified.hash, verified.version))) {
      const { prevSecretHash, prevHashVersion, prevExpiresAt } = credential;
      const inGrace = prevSecretHash !== null && prevHashVersion !== null && (prevExpiresAt ?? 0) > now;
      // A wrong secret takes nothing from the credential's bucket: guessing cannot lock its owner out.
      if (!inGrace || !(await hasher.verify(req.secret, prevSecretHash, prevHashVersion)))
        return { ok: false, failure: "invalid_secret", of: credential };
      usedPrevious = true;
      verified = { hash: prevSecretHash, version: prevHashVersion };
    }
    // Once per credential after a pepper rotation, and awaited, so that the old pepper can be dropped as soon as it has answered.
    if (hasher.isStale(verified.version)) await this.upgrade(hasher, req.secret, record, usedPrevious ? "previous" : "current", verified);
    // Only a caller that proved the secret learns why a real credential is refused.
    if (!credential.enabled) return { ok: false, failure: "disabled", of: credential };
    if (credential.expiresAt !== null && credential.expiresAt <= now) return { ok: false, failure: "expired", of: credential };
    return { ok: true, record, usedPrevious };
  }

  /** Before a write: drop the record and cache nothing until `release(holdId)` or `until`. */
  hold(holdId: string, until: number): void {
    this.generation++;
    this.record = undefined;
    this.holds[holdId] = until;
    this.ctx.storage.kv.put(HOLDS, this.holds);
  }

  /** After a write: end the hold and drop the record, so the next request reads what was written. */
  release(holdId: string): void {
    this.generation++;
    this.record = undefined;
    if (holdId in this.holds) {
      delete this.holds[holdId];
      // An object with no hold keeps no key: nothing is stored for a credential between writes.
      if (Object.keys(this.holds).length) this.ctx.storage.kv.put(HOLDS, this.holds);
      else this.ctx.storage.kv.delete(HOLDS);
    }
  }

  /** The record, from memory or read through from D1. */
  private async current(ref: CredentialRef): Promise<VerificationRecord | null> {
    const now = Date.now();
    if (this.record !== undefined && now - this.loadedAt < RECORD_MAX_AGE_MS) return this.record;
    const generation = this.generation;
    const loaded = await this.load(ref);
    if (generation === this.generation && !this.held(Date.now())) {
      this.record = loaded;
      this.loadedAt = now;
    }
    return loaded;
  }

  private async load(ref: CredentialRef): Promise<VerificationRecord | null> {
    if ("clientId" in ref) {
      const credential = await this.repo.findAccessToken(ref.clientId);
      return credential && { credential, principal: null, org: null, role: null };
    }
    return this.repo.getCaller(ref.id);
  }

  private held(now: number): boolean {
    let held = false;
    for (const [id, until] of Object.entries(this.holds)) {
      if (until > now) held = true;
      else delete this.holds[id];
    }
    return held;
  }

  /** Takes a token. A changed limit starts a fresh bucket: the next request feels the new limit, not the old one's tokens. */
  private take(policy: Policy, now: number): Decision {
    const of = `${policy.limit}/${policy.windowSeconds}`;
    const { state, decision } = take(this.bucket?.of === of ? this.bucket : undefined, policy, now);
    this.bucket = { ...state, of };
    return decision;
  }

  /**
   * Counts the request in the credential's usage, then stores the bucket, the credits and the usage
   * in one write: one storage write per request, whatever its outcome.
   */
  private count(outcome: UsageOutcome, credential: Credential): void {
    this.usage.count(outcome, credential.id, this.credits);
    this.save();
  }

  private save(): void {
    this.ctx.storage.kv.put(BUCKET, { ...this.bucket, credits: this.credits, ...this.usage.saved() });
  }

  /** What this home knows now of the credential's use (the last admitted request, the credits left). */
  live(credits: Credits | null): LiveUse {
    return this.usage.live(credits, this.credits);
  }

  /** The credential's usage by outcome, per minute (24 h) or hour (30 days), with what `live` says. */
  series(granularity: Granularity, from: number | undefined, to: number | undefined, credits: Credits | null): UsageSeries & LiveUse {
    return { ...this.usage.series(granularity, from, to), ...this.live(credits) };
  }

  /** The hourly report of the usage to D1 (see `home-usage.ts`). */
  override async alarm(): Promise<void> {
    await this.usage.report(this.credits);
    this.save();
  }

  /**
   * After a verification under an older pepper: the hash is re-stored under the
   * current one (compare-and-swap on the verified hash), and the record follows.
   * A failure is logged and tried again on the next use.
   */
  private async upgrade(
    hasher: SecretHasher,
    secret: string,
    record: VerificationRecord,
    which: "current" | "previous",
    verified: SecretHash,
  ) {
    try {
      const upgraded = await hasher.hash(secret);
      await this.repo.upgradeHash(record.credential.id, which, verified, upgraded);
      // Only the record this verification read; a newer one was read after the upgrade anyway.
      if (this.record !== record) return;
      const c = record.credential;
      if (which === "current" && c.secretHash === verified.hash)
        Object.assign(c, { secretHash: upgraded.hash, hashVersion: upgraded.version });
      if (which === "previous" && c.prevSecretHash === verified.hash)
        Object.assign(c, { prevSecretHash: upgraded.hash, prevHashVersion: upgraded.version });
    } catch (err) {
      logFailure("re-hash")(err);
    }
  }
}

/** What leaves the object: no hashes, ever. */
function withoutHashes(record: VerificationRecord): VerificationRecord {
  return { ...record, credential: { ...record.credential, secretHash: new ArrayBuffer(0), prevSecretHash: null } };
}

const logFailure = (what: string) => (err: unknown) =>
  console.error(`credential object: ${what} failed:`, err instanceof Error ? err.message : String(err));
