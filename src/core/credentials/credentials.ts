/**
 * The credential core: issue, list, read and delete credentials
 * of every kind. No Hono, no wire formats: surfaces call this and map the results.
 */
import { DomainError, notFound } from "../shared/errors";
import type { AuditContext } from "../shared/audit-events";
import type { SecretHasher } from "./hashing";
import { uuidv7 } from "../shared/ids";
import { authorizeChange, CREDENTIAL_KINDS } from "../shared/kinds";
import type { Credential, OwnedCredential, Role } from "../shared/model";
import type { CredentialChanges, CredentialListQuery, CredentialScope } from "./ports";
import type { Repository } from "../orgs/ports";
import {
  creditsCopy,
  type CredentialPolicy,
  describePolicy,
  type Grantor,
  newPolicy,
  type PolicyInput,
  resolvePolicy,
  touchesPolicy,
} from "./policy";
import { mintToken, type TokenKind } from "./tokens";
import { guardedWrite, type VerificationCache } from "./verification-cache";

export interface IssueInput {
  kind: TokenKind;
  orgId: string;
  principalId: string;
  name: string;
  expiresAt: number | null;
  /** Permissions, IP allowlist, rate limit, credits (absent: none, or what the granting credential is limited to). */
  policy?: PolicyInput;
  /** The policy of the credential that asks (null: not limited): a new credential never exceeds it. */
  grantedBy?: CredentialPolicy | null;
}

/** What a change of a key or Braintrust service token may set. */
export interface CredentialUpdate {
  name?: string;
  policy: PolicyInput;
}

/** Optimistic updates retry this often when another write got there first, then answer 409. */
const MAX_ATTEMPTS = 5;

export interface Issued {
  credential: Credential;
  /** The raw secret; the only time it exists outside the client. */
  token: string;
}

export class CredentialService {
  constructor(
    private readonly repo: Repository,
    private readonly hasher: SecretHasher,
    private readonly homes: VerificationCache,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** Builds a new credential record and its raw token, without storing anything; `role` is the creator's. */
  async mint(input: IssueInput, role: Role): Promise<Issued> {
    const now = this.now();
    const policy = newPolicy(input.policy, { role, policy: input.grantedBy ?? null }, now);
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
      policy,
      creditsRemaining: creditsCopy(policy),
    };
    return { credential, token };
  }

  /** Mints and stores a credential, if `role` may create one of its kind. */
  async issue(input: IssueInput, role: Role): Promise<Issued> {
    authorizeChange(input.kind, role, "Creating");
    const issued = await this.mint(input, role);
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
      ...(c.policy ? { policy: describePolicy(c.policy) } : {}),
    });
  }

  /**
   * Create-or-replace by name: every credential of the same kind and name in
   * the org is deleted and the new one stored, atomically, so that the old
   * secrets stop working in the same instant the new one starts.
   */
  async replaceByName(input: IssueInput, role: Role): Promise<Issued & { replaced: number }> {
    authorizeChange(input.kind, role, "Replacing");
    const issued = await this.mint(input, role);
    const same = await this.repo.findCredentialRefs({ orgId: input.orgId, kind: input.kind, name: input.name });
    const replaced = await guardedWrite(this.homes, same, async () => {
      const deleted = await this.repo.replaceCredentialByName(issued.credential, this.createdEvent(issued.credential));
      return { result: deleted.length, touched: deleted };
    });
    return { ...issued, replaced };
  }

  list(query: CredentialListQuery): Promise<OwnedCredential[]> {
    return this.repo.listCredentials(query);
  }

  async get(scope: CredentialScope): Promise<OwnedCredential> {
    const found = await this.repo.getCredential(scope);
    if (!found) throw notFound(labelOf(scope), scope.id);
    return found;
  }

  /**
   * Renames or changes the policy of a key or Braintrust service token, if `grantor.role` (the
   * caller's in its org) may change one of its kind. Held like a revocation: the next request
   * through the credential's home is judged by what was written.
   */
  async update(scope: CredentialScope, grantor: Grantor, input: CredentialUpdate): Promise<OwnedCredential> {
    const kind = scope.kind as TokenKind;
    const first = await this.repo.getCredential(scope);
    if (!first) throw notFound(labelOf(scope), scope.id);
    authorizeChange(kind, grantor.role, "Changing");
    return guardedWrite(this.homes, [{ kind, id: scope.id }], async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = attempt === 0 ? first : await this.repo.getCredential(scope);
        if (!current) throw notFound(labelOf(scope), scope.id);
        const before = current.credential;
        const now = Math.max(this.now(), before.updatedAt);
        const changes: CredentialChanges = { updatedAt: now };
        const summary: Record<string, unknown> = {};
        if (input.name !== undefined) changes.name = summary.name = input.name;
        if (touchesPolicy(input.policy)) {
          changes.policy = resolvePolicy(input.policy, before.policy, grantor, now);
          if (input.policy.credits !== undefined) changes.creditsRemaining = creditsCopy(changes.policy);
          summary.policy = { before: describePolicy(before.policy), after: describePolicy(changes.policy) };
        }
        const event = this.audit.event(`${kind}.update`, before.orgId, kind, before.id, summary, now);
        const updated = await this.repo.updateCredential(scope, before.revision, changes, event);
        if (updated) return { result: { credential: updated.credential, owner: current.owner } };
      }
      throw new DomainError("conflict", `${labelOf(scope)} ${JSON.stringify(scope.id)} is being changed concurrently; retry`);
    });
  }

  /** Deletes, if `role` (the caller's in the credential's org) may delete one of its kind. */
  async delete(scope: CredentialScope, role: Role): Promise<OwnedCredential> {
    // Org, target and name of the event come from the deleted row itself.
    const event = this.audit.event(`${scope.kind as TokenKind}.delete`, "", scope.kind as TokenKind, scope.id);
    // Only a credential the caller may delete has its home held: another org's id, or an unknown one,
    // must have no side effect at all (a hold would flush a stranger's cached record).
    const visible = await this.repo.getCredential(scope);
    if (!visible) throw notFound(labelOf(scope), scope.id);
    authorizeChange(scope.kind, role, "Deleting");
    const ref = { kind: scope.kind as TokenKind, id: scope.id };
    const deleted = await guardedWrite(this.homes, [ref], async () => ({ result: await this.repo.deleteCredential(scope, event) }));
    if (!deleted) throw notFound(labelOf(scope), scope.id);
    return deleted;
  }
}

function labelOf(scope: CredentialScope): string {
  return CREDENTIAL_KINDS[scope.kind].label;
}

/** Validates an optional expiry supplied by a client. */
export function expiryFrom(value: string | null | undefined, now: number, field = "expires_at"): number | null {
  if (value == null) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DomainError("invalid_request", `${field}: not a date-time`, { field });
  if (ms <= now) throw new DomainError("invalid_request", `${field}: must be in the future`, { field });
  return ms;
}
