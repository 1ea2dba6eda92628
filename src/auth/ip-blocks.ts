/**
 * What this isolate knows of client addresses' failed authentications, learned
 * only from failures (so a clean address's requests make no call for it):
 * - *blocked*: the address's counter refused it; refused here before anything
 *   else until its bucket has a token again;
 * - *suspect*: it was blocked here within the last window; its requests are
 *   then counted *before* they are judged (a token taken in advance, given back
 *   on success), so a concurrent burst from it cannot have more secrets
 *   compared than its bucket holds. Only an address that spent its whole
 *   budget pays this way: one stray failure from a busy address (an office
 *   behind one NAT, say) must not make its concurrent honest requests compete
 *   for the failure budget.
 * The bound, documented in SECURITY.md: until an address is first refused in
 * an isolate, its requests there are judged before they are counted, as many
 * as it has in flight when its failures spend the budget.
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

/** Whether `key` was blocked here within its window (see above). */
export function isSuspect(key: string, now: number): boolean {
  const until = suspectUntil.get(key);
  if (until === undefined) return false;
  if (until > now) return true;
  suspectUntil.delete(key);
  return false;
}

/** Remembers that `key` was blocked here: it stays suspect until `until` (epoch ms). */
export function noteSuspect(key: string, until: number): void {
  suspectUntil.delete(key);
  suspectUntil.set(key, until);
  if (suspectUntil.size > MAX_ENTRIES) suspectUntil.delete(suspectUntil.keys().next().value!);
}

/** Forgets that `key` is blocked here (its suspicion stays), as when its block runs out. */
export function forgetBlocked(key: string): void {
  blockedUntil.delete(key);
}

/** Forgets everything this isolate knows of `key`, as a fresh isolate would (tests rewind time with it). */
export function forget(key: string): void {
  blockedUntil.delete(key);
  suspectUntil.delete(key);
}
