/**
 * Leak response: a secret reported as public (by GitHub's secret scanning, or
 * by anyone through public revocation) is recognised by its own format, matched
 * to its credential without a scan, proven by its keyed hash, and stopped.
 *
 * What a proven leak does:
 *  - an API key or Braintrust service token is deleted;
 *  - an Access service token is deleted (`revoke`) or kept, disabled, for
 *    inspection (`disable`, LEAKED_CREDENTIAL_ACTION);
 *  - a previous Access secret still in its grace period loses its grace: the
 *    token's current secret was not leaked, so the token lives on.
 * Each change carries a `credential.leaked` audit event (and, by a trigger, a
 * webhook event) in its own batch; a second report finds nothing left to
 * change and writes nothing. A string that is not a live secret of ours is a
 * false positive and changes nothing at all.
 */
import type { AuditContext } from "../shared/audit-events";
import type { SecretHasher } from "../credentials/hashing";
import { type CredentialKind, isClientKind, SECRET_FORMATS } from "../shared/kinds";
import type { Credential } from "../shared/model";
import type { LeakResponse, LeakStore } from "./ports";
import { clientSecretId, LEGACY_CLIENT_SECRET_PATTERN, parseToken } from "../credentials/tokens";
import { guardedWrite, refOf, type VerificationCache } from "../credentials/verification-cache";

/** One reported string and where it was seen (GitHub's report fields; public revocation gives only the token). */
export interface LeakReport {
  token: string;
  type?: string;
  url?: string;
  source?: string;
}

/** Who reported: GitHub's signed secret scanning reports, or anyone holding the secret. */
export type Reporter = "github_secret_scanning" | "public_revocation";

export interface LeakVerdict {
  token: string;
  /** The format recognised (`edgekeys_api_key`, …), or null for a string of no format of ours. */
  format: string | null;
  /** The secret worked until this report: enabled, unexpired, and (a previous secret) in its grace period. */
  live: boolean;
}

/** Formats a scanner can tell apart (README lists their patterns); the name is also the GitHub token type registered. */
type Recognised = { format: string; kind: CredentialKind; id: string | null };

/** A reported string's format and, when the format carries one, the credential id inside it. */
export function recognise(token: string): Recognised | null {
  const parsed = parseToken(token);
  if (parsed) return { format: `edgekeys_${SECRET_FORMATS[parsed.kind]}`, kind: parsed.kind, id: parsed.credentialId };
  const accessId = clientSecretId(token);
  if (accessId) return { format: `edgekeys_${SECRET_FORMATS.access_token}`, kind: "access_token", id: accessId };
  // A 64-hex secret names nothing; its keyed hash finds it (an indexed lookup, not a scan).
  if (LEGACY_CLIENT_SECRET_PATTERN.test(token)) return { format: "access_client_secret_hex", kind: "access_token", id: null };
  return null;
}

export class LeakService {
  constructor(
    private readonly store: LeakStore,
    private readonly hasher: SecretHasher,
    private readonly homes: VerificationCache,
    private readonly audit: AuditContext,
    private readonly accessAction: "revoke" | "disable",
    private readonly now: () => number = Date.now,
  ) {}

  /** Judges every report (in order) and stops every live secret among them. */
  async respond(reports: LeakReport[], reporter: Reporter): Promise<LeakVerdict[]> {
    const recognised = reports.map((r) => recognise(r.token));
    // Every hash is computed whether or not anything is found: the work does not depend on what exists.
    const hashes = await Promise.all(recognised.map((r, i) => (r && !r.id ? this.hasher.hashesUnderEveryPepper(reports[i]!.token) : [])));
    const ids = [...new Set(recognised.flatMap((r) => (r?.id ? [r.id] : [])))];
    const anyHash = hashes.flat().map((h) => h.hash);
    const candidates = ids.length || anyHash.length ? await this.store.findLeakCandidates(ids, anyHash) : [];
    const verdicts: LeakVerdict[] = [];
    // A secret repeated in one request is judged once; a credential this request already deleted or
    // disabled is not written again (1,000 copies of one live secret cost like one).
    const judged = new Map<string, boolean>();
    const stopped = new Set<string>();
    for (const [i, report] of reports.entries()) {
      const r = recognised[i];
      if (!r) {
        verdicts.push({ token: report.token, format: null, live: false });
        continue;
      }
      const earlier = judged.get(report.token);
      if (earlier !== undefined) {
        verdicts.push({ token: report.token, format: r.format, live: earlier });
        continue;
      }
      const found = candidates.filter(
        (c) =>
          c.kind === r.kind &&
          (r.id ? c.id === r.id : hashes[i]!.some((h) => sameHash(h.hash, c.secretHash) || sameHash(h.hash, c.prevSecretHash))),
      );
      let live = false;
      // A secret naming no credential costs the one HMAC a proof would: no timing tells which ids exist.
      if (!found.length) await this.hasher.hash(report.token);
      for (const credential of found) live = (await this.judge(credential, report, reporter, stopped)) || live;
      judged.set(report.token, live);
      verdicts.push({ token: report.token, format: r.format, live });
    }
    return verdicts;
  }

  /** Proves the secret against one credential and stops it (unless `stopped` says this request did); whether the secret was live. */
  private async judge(c: Credential, report: LeakReport, reporter: Reporter, stopped: Set<string>): Promise<boolean> {
    const now = this.now();
    const usable = c.enabled && (c.expiresAt === null || c.expiresAt > now);
    let response: LeakResponse | null = null;
    let proven: ArrayBuffer;
    let live: boolean;
    if (await this.hasher.verify(report.token, c.secretHash, c.hashVersion)) {
      proven = c.secretHash;
      live = usable;
      // Even an expired or disabled credential is stopped: a refresh or an enable would revive the leaked secret.
      // Bearer kinds have no disabled state (Braintrust's API has none): deleted; client kinds per LEAKED_CREDENTIAL_ACTION.
      if (!isClientKind(c.kind) || this.accessAction === "revoke") response = "deleted";
      else if (c.enabled) response = "disabled";
    } else if (
      c.prevSecretHash &&
      c.prevHashVersion !== null &&
      (await this.hasher.verify(report.token, c.prevSecretHash, c.prevHashVersion))
    ) {
      proven = c.prevSecretHash;
      const inGrace = (c.prevExpiresAt ?? 0) > now;
      live = usable && inGrace;
      if (inGrace) response = "grace_ended";
    } else {
      return false;
    }
    if (!response || stopped.has(c.id)) return live;
    if (response !== "grace_ended") stopped.add(c.id);
    const event = this.audit.event(
      "credential.leaked",
      c.orgId,
      c.kind,
      c.id,
      {
        reporter,
        response,
        secret: proven === c.secretHash ? "current" : "previous",
        ...(report.type !== undefined ? { type: report.type } : {}),
        ...(report.url !== undefined ? { url: report.url } : {}),
        ...(report.source !== undefined ? { source: report.source } : {}),
      },
      now,
    );
    // The credential's home is held while the write lands: the next request sees the change.
    await guardedWrite(this.homes, [refOf(c)], async () => ({ result: await this.store.respondToLeak(c, response, event, now, proven) }));
    return live;
  }
}

function sameHash(a: ArrayBuffer, b: ArrayBuffer | null): boolean {
  if (!b || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  return x.every((v, i) => v === y[i]);
}
