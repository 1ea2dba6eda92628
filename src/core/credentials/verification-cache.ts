/**
 * The port through which writes keep the credentials' verification homes
 * honest. Each credential's verification record is held, between requests, by
 * its home (a Durable Object, see `src/auth/credential-object.ts`); a write that
 * can end or change a credential's validity must reach that home before it
 * answers, or nobody may be told the write succeeded.
 *
 * The protocol is hold → write → release:
 * - `hold` tells each home to drop what it holds and to cache nothing until the
 *   hold is released or expires (`HOLD_MS`). A home that cannot be reached fails
 *   the hold, and the write is not made at all.
 * - The write goes to D1, the system of record.
 * - `release` ends the holds, so the homes cache again (re-reading D1 first).
 *   A lost release costs nothing but caching: the hold expires by itself, and
 *   every load made while it lasted was read from D1, not kept.
 */
import { DomainError } from "../shared/errors";
import { type ClientKind, type CredentialKind, isTokenKind, type TokenKind } from "../shared/kinds";

/** Which home: keys and Braintrust service tokens by their id, Access tokens by their client id (what a request presents). */
export type CredentialRef = { kind: TokenKind; id: string } | { kind: ClientKind; clientId: string };

export interface VerificationCache {
  /** Stops the homes of `refs` from trusting or caching their records. Throws when a home cannot be reached. */
  hold(refs: CredentialRef[]): Promise<string>;
  /** Ends the hold `holdId` (best effort) and drops the records of `extra`, homes the hold did not cover (must succeed). */
  release(holdId: string, refs: CredentialRef[], extra?: CredentialRef[]): Promise<void>;
}

/** Most homes one write may touch: each costs a subrequest (Workers allow 1,000 per request). */
export const MAX_HOMES_PER_WRITE = 400;

/** How long a hold lasts when its release is lost: longer than any D1 write takes. */
export const HOLD_MS = 60_000;

/**
 * Runs `write` under a hold of `refs`. `write` may name credentials it touched
 * that were not known before (a concurrent create); their homes are told too.
 */
export async function guardedWrite<T>(
  cache: VerificationCache,
  refs: CredentialRef[],
  write: () => Promise<{ result: T; touched?: CredentialRef[] }>,
): Promise<T> {
  if (refs.length > MAX_HOMES_PER_WRITE) {
    throw new DomainError(
      "invalid_request",
      `This change would revoke ${refs.length} credentials at once; at most ${MAX_HOMES_PER_WRITE} can be. Delete some of them first.`,
    );
  }
  if (!refs.length) {
    const { result, touched = [] } = await write();
    if (touched.length) await cache.release("", [], touched);
    return result;
  }
  const holdId = await cache.hold(refs);
  let outcome: { result: T; touched?: CredentialRef[] };
  try {
    outcome = await write();
  } catch (err) {
    // A refused or failed write changed nothing: end the hold now rather than let it expire.
    await cache.release(holdId, refs).catch(() => undefined);
    throw err;
  }
  const known = new Set(refs.map(refKey));
  await cache.release(
    holdId,
    refs,
    (outcome.touched ?? []).filter((r) => !known.has(refKey(r))),
  );
  return outcome.result;
}

export const refKey = (ref: CredentialRef) => ("clientId" in ref ? `client:${ref.clientId}` : `key:${ref.id}`);

/** The home of a stored credential. */
export const refOf = (c: { kind: string; id: string; clientId: string | null }): CredentialRef =>
  isTokenKind(c.kind as CredentialKind)
    ? { kind: c.kind as TokenKind, id: c.id }
    : { kind: c.kind as ClientKind, clientId: c.clientId ?? "" };
