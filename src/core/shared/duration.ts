/**
 * Go duration strings, as Cloudflare Access takes them: `300ms`, `1.5h`,
 * `2h45m`, units ns, us (µs), ms, s, m, h; or `forever`.
 */
import { DomainError } from "./errors";

export const FOREVER = "forever";
export const DEFAULT_DURATION = "8760h";

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
// Go's time.Duration is an int64 of nanoseconds. Exact: 2 ** 63 - 1 as a float
// rounds up to 2 ** 63, which let one nanosecond past the limit through.
const MAX_NS = 2n ** 63n - 1n;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Whole nanoseconds of `count` units, exactly: the fraction is truncated to
 * the nanosecond as Go does (`1.5ns` is 1ns), with no float rounding.
 */
function wholeNanoseconds(count: string, unit: bigint): bigint {
  const [whole = "", fraction = ""] = count.split(".");
  const ns = BigInt(whole || "0") * unit;
  return fraction ? ns + (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length) : ns;
}

/** Nanoseconds of a duration string, or what is wrong with it. */
function nanoseconds(value: string): number | string {
  if (value.length === 0 || value.length > 64) return "expected e.g. 300ms, 2h45m or forever";
  if (value.startsWith("-")) return "must be positive";
  // `ns` (a float) gives the milliseconds; `exact` (integers) decides the bound.
  let ns = 0;
  let exact = 0n;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const start = PART.lastIndex;
    const match = PART.exec(value);
    if (!match || match.index !== start) return "expected numbers with units ns, us, µs, ms, s, m or h, or forever";
    const unit = UNIT_NS[match[2]!]!;
    ns += Number(match[1]) * Number(unit);
    exact += wholeNanoseconds(match[1]!, unit);
  }
  // Exact nanoseconds decide: ".5ns" is no positive duration (Go truncates it to 0), though its float is.
  if (exact <= 0n) return "must be positive";
  if (exact > MAX_NS) return "longer than the largest duration, about 292 years";
  return ns;
}

/** Why `value` is not a valid duration, or null when it is. */
export function durationProblem(value: string): string | null {
  if (value === FOREVER) return null;
  const ns = nanoseconds(value);
  return typeof ns === "string" ? `${JSON.stringify(value)} is not a valid duration: ${ns}` : null;
}

/** Milliseconds of a positive Go duration, or null for `forever`. */
export function parseDuration(value: string): number | null {
  if (value === FOREVER) return null;
  const ns = nanoseconds(value);
  if (typeof ns === "string") {
    throw new DomainError("invalid_request", `duration: ${durationProblem(value)}`, { field: "duration", reason: "invalid_duration" });
  }
  return ns / 1e6;
}

/** Expiry `duration` after `from`, or null for `forever`. */
export function expiryAfter(duration: string, from: number): number | null {
  const ms = parseDuration(duration);
  return ms === null ? null : from + Math.ceil(ms);
}
