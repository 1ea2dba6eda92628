/**
 * Cloudflare Access service tokens: a public client id and a secret, an
 * expiry driven by a Go-style duration, rotation with an optional grace period
 * for the previous secret, and an enabled switch.
 */
import { DEFAULT_DURATION, expiryAfter } from "../shared/duration";
import { DomainError, invalid, notFound } from "../shared/errors";
import type { AuditAction, AuditContext } from "../shared/audit-events";
import type { SecretHasher } from "./hashing";
import { uuidv7 } from "../shared/ids";
import { authorizeChange, CREDENTIAL_KINDS } from "../shared/kinds";
import type { Acting, Credential } from "../shared/model";
import type { CredentialChanges, CredentialListQuery, CredentialScope } from "./ports";
import type { Repository } from "../orgs/ports";
import { creditsCopy, type CredentialPolicy, describePolicy, newPolicy, type PolicyInput, resolvePolicy, touchesPolicy } from "./policy";
import { mintClientId, mintClientSecret } from "./tokens";
import { guardedWrite, refOf, type VerificationCache } from "./verification-cache";

export interface CreateAccessToken {
  name: string;
  duration?: string;
  enabled?: boolean;
  clientSecretVersion?: number;
  policy?: PolicyInput;
}

export interface UpdateAccessToken {
  name?: string;
  duration?: string;
  enabled?: boolean;
  /** Raising it rotates the secret. */
  clientSecretVersion?: number;
  /** When the previous secret stops working; may move later or into the past. */
  previousSecretExpiresAt?: number;
  /** Permissions, IP allowlist, rate limit, credits: absent fields stay, null clears. */
  policy?: PolicyInput;
}

export interface WithSecret {
  credential: Credential;
  /** The new raw client secret; only when one was just issued. */
  secret: string | null;
}

/** Optimistic updates retry this often when another write got there first, then answer 409. */
const MAX_ATTEMPTS = 5;

export class AccessTokenService {
  constructor(
    private readonly repo: Repository,
    private readonly hasher: SecretHasher,
    private readonly homes: VerificationCache,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** `grantedBy`: the policy of the credential that asks (null: not limited); the new token never exceeds it. */
  async create(
    acting: Acting,
    input: CreateAccessToken,
    grantedBy: CredentialPolicy | null = null,
  ): Promise<WithSecret & { secret: string }> {
    const orgId = this.authorize(acting);
    const now = this.now();
    const policy = newPolicy(input.policy, { role: acting.role, policy: grantedBy }, now);
    const duration = input.duration ?? DEFAULT_DURATION;
    const clientId = mintClientId();
    const id = uuidv7(now);
    const secret = mintClientSecret(id);
    const { hash, version } = await this.hasher.hash(secret);
    const credential: Credential = {
      id,
      kind: "access_token",
      orgId,
      principalId: null,
      name: input.name,
      preview: `${clientId.slice(0, 8)}…`,
      secretHash: hash,
      hashVersion: version,
      prevSecretHash: null,
      prevHashVersion: null,
      prevExpiresAt: null,
      clientId,
      duration,
      secretVersion: input.clientSecretVersion ?? 1,
      enabled: input.enabled ?? true,
      expiresAt: expiryAfter(duration, now),
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
      revision: 0,
      policy,
      creditsRemaining: creditsCopy(policy),
    };
    const event = this.audit.event("access_token.create", orgId, "access_token", credential.id, {
      name: credential.name,
      duration,
      enabled: credential.enabled,
      client_secret_version: credential.secretVersion,
      ...(policy ? { policy: describePolicy(policy) } : {}),
    });
    await this.repo.insertCredential(credential, event);
    return { credential, secret };
  }

  /** One page (1-based) of the org's tokens, oldest first, and how many match in all. */
  async list(
    acting: Acting,
    filter: { name?: string; search?: string; expiresBefore?: number; page: number; perPage: number },
  ): Promise<{ items: Credential[]; total: number }> {
    const orgId = this.authorize(acting);
    const query: CredentialListQuery = {
      kind: "access_token",
      orgId,
      name: filter.name,
      search: filter.search,
      expiresBefore: filter.expiresBefore,
      oldestFirst: true,
      offset: (filter.page - 1) * filter.perPage,
      limit: filter.perPage,
    };
    const [page, total] = await Promise.all([this.repo.listCredentials(query), this.repo.countCredentials(query)]);
    return { items: page.map((p) => p.credential), total };
  }

  async get(acting: Acting, id: string): Promise<Credential> {
    return this.find(this.authorize(acting), id);
  }

  /** Managing Access service tokens needs an owner of their org: decided here, for every operation. */
  private authorize(acting: Acting): string {
    authorizeChange("access_token", acting.role, "Managing");
    return acting.orgId;
  }

  private async find(orgId: string, id: string): Promise<Credential> {
    const found = await this.repo.getCredential(scope(orgId, id));
    if (!found) throw notFound(CREDENTIAL_KINDS.access_token.label, id);
    return found.credential;
  }

  async delete(acting: Acting, id: string): Promise<Credential> {
    const orgId = this.authorize(acting);
    // The home is found by the client id, so read the token first (another org's answers 404 here).
    const current = await this.find(orgId, id);
    const event = this.audit.event("access_token.delete", orgId, "access_token", id);
    const deleted = await guardedWrite(this.homes, [refOf(current)], async () => ({
      result: await this.repo.deleteCredential(scope(orgId, id), event),
    }));
    if (!deleted) throw notFound(CREDENTIAL_KINDS.access_token.label, id);
    return deleted.credential;
  }
  /** Extends the expiry by the token's duration from now; the secret stays. */
  async refresh(acting: Acting, id: string): Promise<Credential> {
    const orgId = this.authorize(acting);
    const { credential } = await this.mutate(orgId, id, async (current, now) => {
      const expiresAt = expiryAfter(current.duration ?? DEFAULT_DURATION, now);
      return { changes: { expiresAt, updatedAt: now }, action: "access_token.refresh", summary: { expires_at: expiresAt } };
    });
    return credential;
  }

  /**
   * A new secret under the same client id. The previous one keeps working until
   * `previousSecretExpiresAt` (default: it dies at once).
   */
  async rotate(acting: Acting, id: string, previousSecretExpiresAt: number | null): Promise<WithSecret> {
    const orgId = this.authorize(acting);
    return this.mutate(orgId, id, async (current, now) => {
      const rotated = await this.rotation(current, now, current.secretVersion + 1, previousSecretExpiresAt);
      return {
        ...rotated,
        action: "access_token.rotate",
        summary: { client_secret_version: current.secretVersion + 1, previous_client_secret_expires_at: rotated.changes.prevExpiresAt },
      };
    });
  }

  async update(acting: Acting, id: string, input: UpdateAccessToken, grantedBy: CredentialPolicy | null = null): Promise<WithSecret> {
    const orgId = this.authorize(acting);
    return this.mutate(orgId, id, async (current, now) => {
      const changes: CredentialChanges = { updatedAt: now };
      // What the client asked to change, as it named it (secrets never appear here).
      const summary = {
        name: input.name,
        duration: input.duration,
        enabled: input.enabled,
        client_secret_version: input.clientSecretVersion,
        previous_client_secret_expires_at: input.previousSecretExpiresAt,
      };
      const action = "access_token.update" as const;
      if (input.policy && touchesPolicy(input.policy)) {
        changes.policy = resolvePolicy(input.policy, current.policy, { role: acting.role, policy: grantedBy }, now);
        if (input.policy.credits !== undefined) changes.creditsRemaining = creditsCopy(changes.policy);
        Object.assign(summary, { policy: { before: describePolicy(current.policy), after: describePolicy(changes.policy) } });
      }
      if (input.name !== undefined) changes.name = input.name;
      if (input.enabled !== undefined) changes.enabled = input.enabled;
      if (input.duration !== undefined) {
        // A new duration counts from the time of the change.
        changes.duration = input.duration;
        changes.expiresAt = expiryAfter(input.duration, now);
      }
      const version = input.clientSecretVersion;
      if (version !== undefined && version < current.secretVersion) {
        throw invalid("client_secret_version", `can only increase (it is ${current.secretVersion})`);
      }
      if (version !== undefined && version > current.secretVersion) {
        const rotated = await this.rotation(current, now, version, input.previousSecretExpiresAt ?? null);
        return { changes: { ...changes, ...rotated.changes }, secret: rotated.secret, action, summary: { ...summary, rotated: true } };
      }
      if (input.previousSecretExpiresAt !== undefined && current.prevSecretHash !== null) {
        // A grace period can move while it lasts; a previous secret that already died stays dead.
        const alive = (current.prevExpiresAt ?? 0) > now;
        const until = alive ? input.previousSecretExpiresAt : now;
        Object.assign(changes, graceUntil(until, now, current.prevSecretHash, current.prevHashVersion));
      }
      return { changes, action, summary };
    });
  }

  private async rotation(current: Credential, now: number, secretVersion: number, previousExpiresAt: number | null) {
    const secret = mintClientSecret(current.id);
    const { hash, version } = await this.hasher.hash(secret);
    const changes: CredentialChanges = {
      secretHash: hash,
      hashVersion: version,
      secretVersion,
      updatedAt: now,
      ...graceUntil(previousExpiresAt ?? now, now, current.secretHash, current.hashVersion),
    };
    return { changes, secret };
  }

  /**
   * Read, compute, compare-and-swap on the revision; retried when a concurrent
   * write got in between, so no update is lost and none is applied twice.
   */
  private async mutate(
    orgId: string,
    id: string,
    compute: (
      current: Credential,
      now: number,
    ) => Promise<{ changes: CredentialChanges; secret?: string; action: AuditAction; summary: Record<string, unknown> }>,
  ): Promise<WithSecret> {
    // Every update may change validity (enabled, expiry, secrets): the token's home is held throughout.
    const first = await this.find(orgId, id);
    return guardedWrite(this.homes, [refOf(first)], async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = attempt === 0 ? first : await this.find(orgId, id);
        const now = Math.max(this.now(), current.updatedAt);
        const { changes, secret, action, summary } = await compute(current, now);
        const defined = Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined));
        const event = this.audit.event(action, orgId, "access_token", id, defined, now);
        const updated = await this.repo.updateCredential(scope(orgId, id), current.revision, changes, event);
        if (updated) return { result: { credential: updated.credential, secret: secret ?? null } };
      }
      throw new DomainError("conflict", `Access service token ${JSON.stringify(id)} is being changed concurrently; retry`);
    });
  }
}

const scope = (orgId: string, id: string): CredentialScope => ({ id, kind: "access_token", orgId });

/**
 * The previous secret's fields for a grace period ending at `until`. A time
 * already past drops the hash at once: a dead secret's hash is not kept.
 */
function graceUntil(until: number, now: number, hash: ArrayBuffer, version: number | null): CredentialChanges {
  return until > now
    ? { prevSecretHash: hash, prevHashVersion: version, prevExpiresAt: until }
    : { prevSecretHash: null, prevHashVersion: null, prevExpiresAt: until };
}
