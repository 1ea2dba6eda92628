/**
 * Addresses this isolate knows to be over their failed-authentication budget,
 * until when. Learned only from a refusal by the address's own counter (a
 * Durable Object consulted on failure), so the success path makes no call for
 * it. The bound this buys, documented in SECURITY.md: a blocked address gets
 * no more guesses in an isolate that has seen it refused; an isolate that has
 * not yet seen it lets through the requests in flight until its first failure
 * there is refused (one, sent one at a time).
 */

/** Enough for any real attack from a few addresses; a flood of addresses evicts the oldest first. */
const MAX_ENTRIES = 10_000;
const blockedUntil = new Map<string, number>();

/** Seconds `key` is still blocked for in this isolate (0 when it is not). */
export function blockedSeconds(key: string, now: number): number {
  const until = blockedUntil.get(key);
  if (until === undefined) return 0;
  if (until <= now) {
    blockedUntil.delete(key);
    return 0;
  }
  return Math.ceil((until - now) / 1000);
}

/** Remembers that `key` is blocked until `until` (epoch ms). */
export function noteBlocked(key: string, until: number): void {
  blockedUntil.delete(key);
  blockedUntil.set(key, until);
  if (blockedUntil.size > MAX_ENTRIES) blockedUntil.delete(blockedUntil.keys().next().value!);
}

/** Forgets what this isolate knows of `key`, as a fresh isolate would (tests rewind time with it). */
export function forgetBlocked(key: string): void {
  blockedUntil.delete(key);
}
