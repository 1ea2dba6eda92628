/**
 * A credential's policy (an edgekeys extension on every kind): the permissions
 * it is limited to, the addresses it may be used from, its own rate limit, and
 * credits that each authenticated request spends. It travels in the
 * credential's verification record, so its home enforces all of it in the one
 * call that verifies it (see ARCHITECTURE.md, "Scoped credentials").
 *
 * Granting is attenuating: a credential is given only permissions its creator
 * holds, and a credential with permissions or an allowlist creates only
 * credentials inside them (omitted fields inherit the creator's).
 */
import { forbidden, invalid } from "../shared/errors";
import { parseAllowlist, rangesWithin } from "./ip-allowlist";
import type { Role } from "../shared/kinds";
import { heldPermissions, parsePermissions } from "../shared/permissions";
import type { CreditRefill, CredentialPolicy, RateLimitOverride } from "../shared/policy";

export type { CreditRefill, CredentialPolicy, Credits, RateLimitOverride } from "../shared/policy";

/** What a request asks: an absent field stays as it is, null clears it. */
export interface PolicyInput {
  permissions?: readonly string[] | null;
  ipAllowlist?: readonly string[] | null;
  rateLimit?: RateLimitOverride | null;
  credits?: { remaining: number; refill: CreditRefill | null } | null;
}

/** Who grants: the creator's role where the credential lives, and the policy of the credential it acts with. */
export interface Grantor {
  role: Role;
  policy: CredentialPolicy | null;
}

/** An owner acting without a credential (bootstrap, the core's own writes). */
export const UNLIMITED_OWNER: Grantor = { role: "owner", policy: null };

/** Shortest refill interval: exhaustion (one D1 write and one webhook event) recurs at most this often. */
export const MIN_REFILL_SECONDS = 60;
export const MAX_LIMIT = 1_000_000_000;
const MAX_WINDOW_SECONDS = 31 * 86_400;

const isEmpty = (p: CredentialPolicy) => !p.permissions && !p.ipAllowlist && !p.rateLimit && !p.credits;

function checkInt(field: string, value: number, min: number, max: number) {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(field, `must be an integer from ${min} to ${max}`);
}

/**
 * The policy after `input` is applied to `current` (null for a new credential)
 * by `grantor`, validated and attenuated; null when nothing is limited.
 */
export function resolvePolicy(
  input: PolicyInput,
  current: CredentialPolicy | null,
  grantor: Grantor,
  now: number,
  creating = false,
): CredentialPolicy | null {
  const base: CredentialPolicy = current ?? { permissions: null, ipAllowlist: null, rateLimit: null, credits: null };
  const next: CredentialPolicy = { ...base };
  const limits = grantor.policy;

  if (input.permissions !== undefined) next.permissions = input.permissions === null ? null : parsePermissions(input.permissions);
  if (next.permissions === null && limits?.permissions) {
    if (!creating && input.permissions === null)
      throw forbidden("A credential limited to permissions cannot lift another's: name the permissions instead");
    next.permissions = [...limits.permissions];
  }
  if (input.permissions) {
    const held = heldPermissions(grantor.role, limits?.permissions);
    const extra = next.permissions!.find((p) => !held.includes(p));
    if (extra) throw forbidden(`Cannot grant the permission ${extra}: the granting credential does not hold it`);
  }

  if (input.ipAllowlist !== undefined) next.ipAllowlist = input.ipAllowlist === null ? null : parseAllowlist(input.ipAllowlist);
  if (next.ipAllowlist === null && limits?.ipAllowlist) {
    if (!creating && input.ipAllowlist === null) throw forbidden("A credential limited to an IP allowlist cannot lift another's");
    next.ipAllowlist = [...limits.ipAllowlist];
  }
  if (input.ipAllowlist && limits?.ipAllowlist && !rangesWithin(next.ipAllowlist!, limits.ipAllowlist)) {
    throw forbidden("ip_allowlist: every range must lie inside the granting credential's own allowlist");
  }

  if (input.rateLimit !== undefined) {
    if (input.rateLimit) {
      checkInt("rate_limit.limit", input.rateLimit.limit, 1, MAX_LIMIT);
      checkInt("rate_limit.window_seconds", input.rateLimit.windowSeconds, 1, MAX_WINDOW_SECONDS);
    }
    next.rateLimit = input.rateLimit && { limit: input.rateLimit.limit, windowSeconds: input.rateLimit.windowSeconds };
  }

  if (input.credits !== undefined) {
    const c = input.credits;
    if (c) {
      checkInt("credits.remaining", c.remaining, 0, MAX_LIMIT);
      if (c.refill) {
        checkInt("credits.refill.amount", c.refill.amount, 1, MAX_LIMIT);
        checkInt("credits.refill.interval_seconds", c.refill.intervalSeconds, MIN_REFILL_SECONDS, MAX_WINDOW_SECONDS);
      }
    }
    // Setting credits, even to the same numbers, is a reset: the stamp tells the home to start over.
    next.credits = c && { remaining: c.remaining, refill: c.refill && { ...c.refill }, setAt: now };
  }
  return isEmpty(next) ? null : next;
}

/** The policy of a new credential (see `resolvePolicy`). */
export const newPolicy = (input: PolicyInput | undefined, grantor: Grantor, now: number) =>
  resolvePolicy(input ?? {}, null, grantor, now, true);

/** The D1 copy of the credits left that goes with `policy` (set when the credits are). */
export const creditsCopy = (policy: CredentialPolicy | null) => policy?.credits?.remaining ?? null;

/** Whether `input` asks to change anything of the policy. */
export const touchesPolicy = (input: PolicyInput) => Object.values(input).some((v) => v !== undefined);

/** The policy as the APIs and the audit log show it (snake_case, no stamps); `creditsLeft` from storage when known. */
export function describePolicy(policy: CredentialPolicy | null, creditsLeft: number | null = null) {
  return {
    permissions: policy?.permissions ?? null,
    ip_allowlist: policy?.ipAllowlist ?? null,
    rate_limit: policy?.rateLimit ? { limit: policy.rateLimit.limit, window_seconds: policy.rateLimit.windowSeconds } : null,
    credits: policy?.credits
      ? {
          remaining: creditsLeft ?? policy.credits.remaining,
          refill: policy.credits.refill && {
            amount: policy.credits.refill.amount,
            interval_seconds: policy.credits.refill.intervalSeconds,
          },
        }
      : null,
  };
}

export type PolicyJson = ReturnType<typeof describePolicy>;
