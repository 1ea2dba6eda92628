/**
 * Go duration strings, as Cloudflare Access takes them: `300ms`, `1.5h`,
 * `2h45m`, units ns, us (µs), ms, s, m, h; or `forever`.
 */
import { DomainError } from "./errors";

export const FOREVER = "forever";
export const DEFAULT_DURATION = "8760h";

const UNIT_NS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3, // U+00B5 micro sign
  "μs": 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};
const MAX_NS = 2 ** 63 - 1; // Go's time.Duration is an int64 of nanoseconds
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Nanoseconds of a duration string, or what is wrong with it. */
function nanoseconds(value: string): number | string {
  if (value.length === 0 || value.length > 64) return "expected e.g. 300ms, 2h45m or forever";
  if (value.startsWith("-")) return "must be positive";
  let ns = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < value.length) {
    const start = PART.lastIndex;
    const match = PART.exec(value);
    if (!match || match.index !== start) return "expected numbers with units ns, us, µs, ms, s, m or h, or forever";
    ns += Number(match[1]) * UNIT_NS[match[2]!]!;
  }
  if (!(ns > 0)) return "must be positive";
  if (ns > MAX_NS) return "longer than the largest duration, about 292 years";
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
