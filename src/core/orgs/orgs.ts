/** Orgs, members and the bootstrap of the first owner. */
import type { CredentialService, Issued } from "../credentials/credentials";
import type { AuditContext } from "../shared/audit-events";
import { forbidden, notFound } from "../shared/errors";
import { uuidv7 } from "../shared/ids";
import type { Caller, Org, Principal, Role } from "../shared/model";
import type { Repository } from "./ports";
import { guardedWrite, type VerificationCache } from "../credentials/verification-cache";

export interface BootstrapRequest {
  orgName: string;
  /** The org's id when the operator chose it (from its account id); a new UUIDv7 otherwise. */
  orgId?: string | null;
  email: string;
  givenName: string | null;
  familyName: string | null;
}

export class OrgService {
  constructor(
    private readonly repo: Repository,
    private readonly credentials: CredentialService,
    private readonly homes: VerificationCache,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The org a request acts in: the one named by `orgName` if the caller's
   * principal belongs to it, else the org the credential was issued in. A named
   * org the caller is not in is refused, never silently replaced.
   */
  async resolve(caller: Caller, orgName: string | null | undefined, orgId?: string | null): Promise<{ org: Org; role: Role }> {
    let resolved = { org: caller.org, role: caller.role };
    if (orgId != null && orgId !== caller.org.id) {
      const membership = await this.repo.findMembership(caller.principal.id, { id: orgId });
      // Same answer for "no such org" and "not yours": neither reveals the other.
      if (!membership) throw forbidden(`You are not a member of an org with id ${JSON.stringify(orgId)}`);
      resolved = membership;
    }
    if (orgName != null && orgName !== resolved.org.name) {
      // Given together, org_id and org_name must name the same org.
      const membership = orgId == null ? await this.repo.findMembership(caller.principal.id, { name: orgName }) : null;
      if (!membership) throw forbidden(`You are not a member of an org named ${JSON.stringify(orgName)}`);
      resolved = membership;
    }
    return resolved;
  }

  /** A service account of `orgId`; another org's looks exactly like a missing one. */
  async serviceAccount(orgId: string, id: string): Promise<Principal> {
    const account = await this.repo.findServiceAccount(orgId, id);
    if (!account) throw notFound("Service account", id);
    return account;
  }

  /** The caller's role in `orgId`, or null when the caller is not a member there. */
  async roleIn(caller: Caller, orgId: string): Promise<Role | null> {
    if (orgId === caller.org.id) return caller.role;
    return (await this.repo.findMembership(caller.principal.id, { id: orgId }))?.role ?? null;
  }

  /** Creates org and user when missing, makes the user an owner, and issues a new API key. */
  async bootstrap(req: BootstrapRequest): Promise<{ org: Org; user: Principal; issued: Issued }> {
    const now = this.now();
    const email = normalizeEmail(req.email);
    // Ids for the org and user are used only if they do not exist yet.
    const org: Org = { id: req.orgId ?? uuidv7(now), name: req.orgName, createdAt: now };
    const user: Principal = {
      id: uuidv7(now),
      kind: "user",
      email,
      givenName: req.givenName,
      familyName: req.familyName,
      name: null,
      createdAt: now,
    };
    const issued = await this.credentials.mint(
      {
        kind: "api_key",
        orgId: org.id,
        principalId: user.id,
        name: "bootstrap",
        expiresAt: null,
      },
      "owner",
    );
    // Org and target of the event are the org as stored (found by name), whoever created it.
    const event = this.audit.event(
      "org.bootstrap",
      org.id,
      "org",
      org.id,
      { org_name: org.name, email, api_key_id: issued.credential.id },
      now,
    );
    // An existing user made owner: their credentials in that org now may do more, so their homes hear of it.
    const promoted = await this.repo.findCredentialRefs({ orgName: org.name, userEmails: [email], ownerNotOwner: true });
    const stored = await guardedWrite(this.homes, promoted, async () => ({
      result: await this.repo.bootstrap({ org, pinnedId: Boolean(req.orgId), user, credential: issued.credential, now, event }),
    }));
    issued.credential.orgId = stored.org.id;
    issued.credential.principalId = stored.user.id;
    return { org: stored.org, user: stored.user, issued };
  }
}

export { requireOwner } from "../shared/kinds";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();
