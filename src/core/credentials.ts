/**
 * The credential core: issue, authenticate, list, read and delete credentials
 * of every kind. No Hono, no wire formats: surfaces call this and map the results.
 */
import type { CredentialListQuery, CredentialScope, Repository } from "../db/repository";
import { DomainError, notFound, unauthenticated } from "./errors";
import { AuditContext } from "./audit";
import type { SecretHasher } from "./hashing";
import { uuidv7 } from "./ids";
import type { Caller, Credential, OwnedCredential } from "./model";
import { mintToken, parseToken, type TokenKind } from "./tokens";

export interface IssueInput {
  kind: TokenKind;
  orgId: string;
  principalId: string;
  name: string;
  expiresAt: number | null;
}

export interface Issued {
  credential: Credential;
  /** The raw secret; the only time it exists outside the client. */
  token: string;
}

/** `last_seen_at` / last-used times are kept to about this precision, so that use costs no write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const LABEL: Record<TokenKind, string> = { api_key: "API key", service_token: "Service token" };

export class CredentialService {
  constructor(
    private readonly repo: Repository,
    private readonly hasher: SecretHasher,
    private readonly audit: AuditContext = new AuditContext(),
    private readonly now: () => number = Date.now,
  ) {}

  /** Builds a new credential record and its raw token, without storing anything. */
  async mint(input: IssueInput): Promise<Issued> {
    const now = this.now();
    const id = uuidv7(now);
    const { token, preview } = mintToken(input.kind, id);
    const { hash, version } = await this.hasher.hash(token);
    const credential: Credential = {
      id,
      kind: input.kind,
      orgId: input.orgId,
      principalId: input.principalId,
      name: input.name,
      preview,
      secretHash: hash,
      hashVersion: version,
      prevSecretHash: null,
      prevHashVersion: null,
      prevExpiresAt: null,
      clientId: null,
      duration: null,
      secretVersion: 1,
      enabled: true,
      expiresAt: input.expiresAt,
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
      revision: 0,
    };
    return { credential, token };
  }

  /** Mints and stores a credential. */
  async issue(input: IssueInput): Promise<Issued> {
    const issued = await this.mint(input);
    await this.repo.insertCredential(issued.credential, this.createdEvent(issued.credential));
    return issued;
  }

  /** The event of a new key or token (the replace of a service token is decided in the batch). */
  private createdEvent(c: Credential) {
    const kind = c.kind as TokenKind;
    return this.audit.event(`${kind}.create`, c.orgId, kind, c.id, {
      name: c.name,
      expires_at: c.expiresAt,
      ...(kind === "service_token" ? { service_account_id: c.principalId } : {}),
    });
  }

  /**
   * Create-or-replace by name: every credential of the same kind and name in
   * the org is deleted and the new one stored, atomically, so that the old
   * secrets stop working in the same instant the new one starts.
   */
  async replaceByName(input: IssueInput): Promise<Issued & { replaced: number }> {
    const issued = await this.mint(input);
    const replaced = await this.repo.replaceCredentialByName(issued.credential, this.createdEvent(issued.credential));
    return { ...issued, replaced };
  }

  /**
   * Verifies a bearer token and returns who is calling. Malformed tokens are
   * refused before any storage read; the secret is compared as a keyed digest
   * in constant time.
   */
  async authenticate(raw: string, ip?: string): Promise<Caller> {
    const parsed = parseToken(raw);
    if (!parsed) throw unauthenticated("malformed", "Malformed API key");
    const label = LABEL[parsed.kind];
    const { caller, ipBlockedUntil } = await this.repo.getCaller(parsed.credentialId, ip);
    throwIfBlocked(ipBlockedUntil, this.now());
    if (!caller || caller.credential.kind !== parsed.kind) throw unauthenticated("unknown", `Invalid ${label}`);
    const { credential } = caller;
    if (!(await this.hasher.verify(raw, credential.secretHash, credential.hashVersion))) {
      throw unauthenticated("invalid_secret", `Invalid ${label}`);
    }
    const verified = { hash: credential.secretHash, version: credential.hashVersion };
    this.hasher.upgradeLater(raw, verified.version, (h) => this.repo.upgradeHash(credential.id, "current", verified, h));
    // Only a caller that proved the secret learns why a real credential is refused.
    if (!credential.enabled) throw unauthenticated("disabled", `${label} is disabled`);
    if (credential.expiresAt !== null && credential.expiresAt <= this.now()) {
      throw unauthenticated("expired", `${label} has expired`);
    }
    return caller;
  }

  /**
   * Records that `credential` was used, at most once per LAST_USED_RESOLUTION_MS:
   * null (no write at all) when the stored time is recent enough. Callers run
   * the returned write off the response path (`waitUntil`).
   */
  noteUse(credential: Credential): Promise<void> | null {
    const now = this.now();
    const staleBefore = now - LAST_USED_RESOLUTION_MS;
    if (credential.lastUsedAt !== null && credential.lastUsedAt >= staleBefore) return null;
    return this.repo.touchCredential(credential.id, now, staleBefore);
  }

  /** Refuses `ip` before any lookup until `until` (see `throwIfBlocked`). */
  blockIp(ip: string, until: number): Promise<void> {
    return this.repo.blockIp(ip, until);
  }

  list(query: CredentialListQuery): Promise<OwnedCredential[]> {
    return this.repo.listCredentials(query);
  }

  async get(scope: CredentialScope): Promise<OwnedCredential> {
    const found = await this.repo.getCredential(scope);
    if (!found) throw notFound(labelOf(scope), scope.id);
    return found;
  }

  async delete(scope: CredentialScope): Promise<OwnedCredential> {
    // Org, target and name of the event come from the deleted row itself.
    const event = this.audit.event(`${scope.kind as TokenKind}.delete`, "", scope.kind as TokenKind, scope.id);
    const deleted = await this.repo.deleteCredential(scope, event);
    if (!deleted) throw notFound(labelOf(scope), scope.id);
    return deleted;
  }
}

/**
 * A client IP over its failed-authentication limit is refused before any
 * secret is compared: its answer says nothing about whether a guess was right.
 */
export function throwIfBlocked(blockedUntil: number | null, now: number): void {
  if (blockedUntil !== null && blockedUntil > now) {
    throw new DomainError("rate_limited", "Too many failed authentications from your address; retry later", {
      retryAfter: Math.ceil((blockedUntil - now) / 1000),
      reason: "ip_blocked",
    });
  }
}

function labelOf(scope: CredentialScope): string {
  if (scope.kind === "access_token") return "Access service token";
  return LABEL[scope.kind];
}

/** Validates an optional expiry supplied by a client. */
export function expiryFrom(value: string | null | undefined, now: number, field = "expires_at"): number | null {
  if (value == null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DomainError("invalid_request", `${field}: not a date-time`, { field });
  if (ms <= now) throw new DomainError("invalid_request", `${field}: must be in the future`, { field });
  return ms;
}
