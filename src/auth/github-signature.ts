/**
 * GitHub's secret scanning reports are signed: `Github-Public-Key-Signature`
 * is a base64 ASN.1 DER ECDSA P-256 signature over SHA-256 of the raw body,
 * by the key `Github-Public-Key-Identifier` names among those GitHub publishes
 * (`GET …/meta/public_keys/secret_scanning`, several at a time).
 *
 * The published keys are cached per isolate and URL. An unknown key id makes
 * one fetch again (GitHub adds a key before it signs with it), at most once a
 * minute: random key ids from an attacker must not turn into a stream of
 * requests to GitHub, whose unauthenticated rate limit is ours to lose.
 */
import { DomainError, unauthenticated } from "../core/shared/errors";

interface PublishedKeys {
  keys: Map<string, Promise<CryptoKey>>;
  etag: string | null;
  fetchedAt: number;
  /** When an unknown key id last made a fetch. */
  lastMissFetch: number;
}

/** Least time between two fetches made by unknown key ids. */
export const REFETCH_COOLDOWN_MS = 60_000;
/** Keys are read again after a day even when every id is known. */
const MAX_AGE_MS = 86_400_000;
const FETCH_TIMEOUT_MS = 5_000;

const cache = new Map<string, PublishedKeys>();
const inFlight = new Map<string, Promise<PublishedKeys>>();
/**
 * When the last fetch of each URL failed: while it keeps failing, reports are
 * answered 503 without asking again for a minute, so unauthenticated callers
 * cannot turn an outage into one outbound fetch per report.
 */
const failedAt = new Map<string, number>();

/**
 * WebCrypto wants an ECDSA signature as r‖s (32 bytes each); GitHub sends DER
 * `SEQUENCE { INTEGER r, INTEGER s }`. Null for anything that is not exactly that.
 */
export function derToP1363(der: Uint8Array): Uint8Array | null {
  if (der.length < 8 || der.length > 72 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const out = new Uint8Array(64);
  let at = 2;
  for (const half of [0, 1]) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1]!;
    if (len < 1 || at + 2 + len > der.length) return null;
    let int = der.subarray(at + 2, at + 2 + len);
    at += 2 + len;
    while (int.length > 1 && int[0] === 0) int = int.subarray(1);
    if (int.length > 32) return null;
    out.set(int, half * 32 + 32 - int.length);
  }
  return at === der.length ? out : null;
}

function importPem(pem: string): Promise<CryptoKey> {
  const b64 = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  return crypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
}

async function fetchKeys(url: string, previous: PublishedKeys | undefined, now: number): Promise<PublishedKeys> {
  const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "edgekeys-secret-scanning" };
  if (previous?.etag) headers["If-None-Match"] = previous.etag;
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "manual" });
  if (res.status === 304 && previous) return { ...previous, fetchedAt: now };
  // A redirect (not followed: the configured URL is the only host asked) is a failure like any other.
  if (!res.ok) throw new Error(`GitHub's secret scanning keys answered ${res.status}`);
  const body = (await res.json()) as { public_keys?: { key_identifier?: unknown; key?: unknown }[] };
  const keys = new Map<string, Promise<CryptoKey>>();
  for (const entry of body.public_keys ?? []) {
    if (typeof entry.key_identifier !== "string" || typeof entry.key !== "string") continue;
    const key = importPem(entry.key);
    key.catch(() => undefined); // a malformed key fails only the reports that name it
    keys.set(entry.key_identifier, key);
  }
  return { keys, etag: res.headers.get("ETag"), fetchedAt: now, lastMissFetch: previous?.lastMissFetch ?? 0 };
}

/** One fetch at a time per URL; concurrent reports wait for the same one. A failed fetch is an outage (503). */
async function refresh(url: string, now: number, miss: boolean): Promise<PublishedKeys> {
  const failed = failedAt.get(url);
  if (failed !== undefined && now - failed < REFETCH_COOLDOWN_MS)
    throw keysUnavailable(Math.ceil((failed + REFETCH_COOLDOWN_MS - now) / 1000));
  try {
    const keys = await refreshOnce(url, now, miss);
    failedAt.delete(url);
    return keys;
  } catch (err) {
    failedAt.set(url, now);
    console.error(`secret scanning keys: ${err instanceof Error ? err.message : String(err)}`);
    throw keysUnavailable(Math.ceil(REFETCH_COOLDOWN_MS / 1000));
  }
}

const keysUnavailable = (retryAfter: number) =>
  new DomainError("unavailable", "GitHub's secret scanning keys could not be fetched; retry the report", {
    retryAfter: Math.max(1, retryAfter),
  });

function refreshOnce(url: string, now: number, miss: boolean): Promise<PublishedKeys> {
  let pending = inFlight.get(url);
  if (!pending) {
    const previous = cache.get(url);
    if (miss && previous) previous.lastMissFetch = now;
    pending = fetchKeys(url, previous, now)
      .then((keys) => {
        cache.set(url, keys);
        return keys;
      })
      .finally(() => inFlight.delete(url));
    inFlight.set(url, pending);
  }
  return pending;
}

/** The key GitHub published under `keyId`, fetching the list when it is missing, stale or lacks the id. */
async function keyFor(url: string, keyId: string, now: number): Promise<CryptoKey | null> {
  let published = cache.get(url);
  if (!published || now - published.fetchedAt > MAX_AGE_MS) published = await refresh(url, now, false);
  if (!published.keys.has(keyId) && now - published.lastMissFetch >= REFETCH_COOLDOWN_MS) published = await refresh(url, now, true);
  return (await published.keys.get(keyId)?.catch(() => null)) ?? null;
}

const refused = () => unauthenticated("invalid_secret", "Invalid GitHub secret scanning signature");

/**
 * Verifies a report's signature; throws 401 for a missing, malformed or wrong
 * one, or one by a key GitHub has not published. A key list that cannot be
 * fetched is an outage (503 from the caller's error handling), not a refusal.
 */
export async function verifyGithubSignature(
  keysUrl: string,
  keyId: string | undefined,
  signature: string | undefined,
  body: ArrayBuffer,
  now = Date.now(),
): Promise<void> {
  if (!keyId || !signature || !/^[0-9a-f]{1,128}$/i.test(keyId) || !/^[A-Za-z0-9+/]{1,200}={0,2}$/.test(signature)) throw refused();
  let der: Uint8Array;
  try {
    der = Uint8Array.from(atob(signature), (ch) => ch.charCodeAt(0));
  } catch {
    throw refused();
  }
  const raw = derToP1363(der);
  if (!raw) throw refused();
  const key = await keyFor(keysUrl, keyId, now);
  if (!key) throw refused();
  const ok = await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, raw, body);
  if (!ok) throw refused();
}
