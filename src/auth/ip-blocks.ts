/**
 * What this isolate knows of client addresses' failed authentications, learned
 * only from failures (so a clean address's requests make no call for it):
 * - *blocked*: the address's counter refused it; refused here before anything
 *   else until its bucket has a token again;
 * - *suspect*: it failed here within the last window; its requests are then
 *   counted *before* they are judged (a token taken in advance, given back on
 *   success), so a concurrent burst from it cannot have more secrets compared
 *   than its bucket holds.
 * The bound, documented in SECURITY.md: an address this isolate has not seen
 * fail gets its first requests judged before they are counted, as many as it
 * has in flight before its first failure here returns.
 */

/** Enough for any real attack from a few addresses; a flood of addresses evicts the oldest first. */
const MAX_ENTRIES = 10_000;
const blockedUntil = new Map<string, number>();
const suspectUntil = new Map<string, number>();

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

/** Whether `key` failed here within its window (see above). */
export function isSuspect(key: string, now: number): boolean {
  const until = suspectUntil.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  suspectUntil.delete(key);
  return false;
}

/** Remembers that `key` failed here: it stays suspect until `until` (epoch ms). */
export function noteFailure(key: string, until: number): void {
  suspectUntil.delete(key);
  suspectUntil.set(key, until);
  if (suspectUntil.size > MAX_ENTRIES) suspectUntil.delete(suspectUntil.keys().next().value!);
}

/** Forgets what this isolate knows of `key`, as a fresh isolate would (tests rewind time with it). */
export function forgetBlocked(key: string): void {
  blockedUntil.delete(key);
  suspectUntil.delete(key);
}
