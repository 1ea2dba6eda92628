/**
 * Org membership: inviting users, creating service accounts (optionally with a
 * first token) and removing members, as one atomic change.
 */
import type { AuditAction, AuditContext, AuditTarget } from "../shared/audit-events";
import type { CredentialService } from "../credentials/credentials";
import { invalid, lastOwner } from "../shared/errors";
import { uuidv7 } from "../shared/ids";
import type { Org, Principal, Role } from "../shared/model";
import { type CredentialPolicy, describePolicy, type PolicyInput } from "../credentials/policy";
import { normalizeEmail, requireOwner } from "./orgs";
import type { Member, MembershipChange, Repository } from "./ports";
import { guardedWrite, type VerificationCache } from "../credentials/verification-cache";

export interface MembershipRequest {
  /** Who asks: users are invited by id only if they already share an org with the inviter. */
  inviter: string;
  inviteEmails: string[];
  inviteIds: string[];
  serviceAccounts: { name: string; tokenName: string | null; tokenPolicy?: PolicyInput }[];
  /** The policy of the credential that asks (null: not limited): a first token never exceeds it. */
  grantedBy?: CredentialPolicy | null;
  /** Role for everyone invited by this request. */
  role: Role;
  removeIds: string[];
  removeEmails: string[];
}

export interface AddedMember {
  principal: Principal;
  /** For a service account created with a token: the raw token (shown once) and its name. */
  token: { raw: string; name: string } | null;
}

const SERVICE_ACCOUNT_DOMAIN = "@service-accounts.invalid";

/** Service accounts get an address that can never receive mail (RFC 2606 `.invalid`). */
export const serviceAccountEmail = (id: string) => `${id}${SERVICE_ACCOUNT_DOMAIN}`;

export class MemberService {
  constructor(
    private readonly repo: Repository,
    private readonly credentials: CredentialService,
    private readonly homes: VerificationCache,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  async change(org: Org, role: Role, req: MembershipRequest): Promise<AddedMember[]> {
    requireOwner(role, "Changing organization members");
    const now = this.now();

    const inviteIds = [...new Set(req.inviteIds)];
    // A user the inviter shares no org with is answered exactly like one that does not exist:
    // ids are no way to pull strangers in, nor to learn which ids exist.
    const users = await this.repo.findUsersSharingAnOrg(inviteIds, req.inviter);
    const unknown = inviteIds.findIndex((id) => !users.some((u) => u.id === id));
    if (unknown >= 0) throw invalid(`invite_users.ids[${unknown}]`, `no user with id ${inviteIds[unknown]}`);
    const serviceAddress = req.inviteEmails.findIndex((email) => normalizeEmail(email).endsWith(SERVICE_ACCOUNT_DOMAIN));
    if (serviceAddress >= 0) {
      throw invalid(
        `invite_users.emails[${serviceAddress}]`,
        "service accounts are created with invite_users.service_accounts, not invited by address",
      );
    }

    const remove = await this.membersToRemove(org, req);

    const serviceAccounts: MembershipChange["serviceAccounts"] = [];
    const added: AddedMember[] = [];
    for (const { name, tokenName, tokenPolicy } of req.serviceAccounts) {
      const id = uuidv7(now);
      const principal: Principal = {
        id,
        kind: "service_account",
        email: serviceAccountEmail(id),
        givenName: null,
        familyName: null,
        name,
        createdAt: now,
      };
      const issued = tokenName
        ? await this.credentials.mint(
            {
              kind: "service_token",
              orgId: org.id,
              principalId: id,
              name: tokenName,
              expiresAt: null,
              policy: tokenPolicy,
              grantedBy: req.grantedBy,
            },
            role,
          )
        : null;
      serviceAccounts.push({ principal, role: req.role, token: issued?.credential ?? null });
      added.push({ principal, token: issued && tokenName ? { raw: issued.token, name: tokenName } : null });
    }

    const inviteEmails = [...new Set(req.inviteEmails.map(normalizeEmail))];
    const event = (action: AuditAction, type: AuditTarget, id: string, changes: Record<string, unknown>) =>
      this.audit.event(action, org.id, type, id, changes, now);
    const events: MembershipChange["events"] = [
      ...inviteEmails.map((email) => ({ event: event("member.invite", "principal", "", { email, role: req.role }), targetEmail: email })),
      ...inviteIds.map((id) => ({ event: event("member.invite", "principal", id, { role: req.role }) })),
      ...serviceAccounts.flatMap(({ principal, token }) => [
        { event: event("service_account.create", "principal", principal.id, { name: principal.name, role: req.role }) },
        ...(token
          ? [
              {
                event: event("service_token.create", "service_token", token.id, {
                  name: token.name,
                  service_account_id: principal.id,
                  ...(token.policy ? { policy: describePolicy(token.policy) } : {}),
                }),
              },
            ]
          : []),
      ]),
      ...remove.map((p) => ({ event: event("member.remove", "principal", p.id, { email: p.email, kind: p.kind }) })),
    ];
    // Removals delete credentials; promotions to owner change what a credential may do: both reach the homes.
    const promoted = req.role === "owner" ? { ids: inviteIds, emails: inviteEmails } : { ids: [], emails: [] };
    const removed = remove.length ? await this.repo.findCredentialRefs({ orgId: org.id, principalIds: remove.map((p) => p.id) }) : [];
    const raised =
      promoted.ids.length || promoted.emails.length
        ? await this.repo.findCredentialRefs({
            orgId: org.id,
            principalIds: promoted.ids,
            userEmails: promoted.emails,
            ownerNotOwner: true,
          })
        : [];
    const refs = [...removed, ...raised];
    const invited = await guardedWrite(this.homes, refs, async () => {
      const { invited, deleted } = await this.repo.changeMembership({
        orgId: org.id,
        now,
        inviteEmails: inviteEmails.map((email) => ({ email, newId: uuidv7(now), role: req.role })),
        inviteIds: inviteIds.map((id) => ({ id, role: req.role })),
        serviceAccounts,
        remove,
        events,
      });
      return { result: invited, touched: deleted };
    });
    return [...invited.map((principal) => ({ principal, token: null })), ...added];
  }

  /** Members named for removal (unknown ones are ignored: removing is idempotent); the org keeps an owner. */
  private async membersToRemove(org: Org, req: MembershipRequest): Promise<Principal[]> {
    const members: Member[] = await this.repo.findMembers(org.id, {
      ids: req.removeIds,
      emails: req.removeEmails.map(normalizeEmail),
    });
    const removedOwners = members.filter((m) => m.role === "owner").length;
    // The friendly early answer; the write itself enforces the rule too (concurrent removals).
    if (removedOwners > 0 && removedOwners >= (await this.repo.countOwners(org.id))) throw lastOwner();
    return members.map((m) => m.principal);
  }
}
