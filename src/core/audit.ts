/**
 * Audit events: who changed what, when, from where. Built by the core for every
 * write and stored by the repository in the same D1 batch as the write, so there
 * is no change without its event and no event without its change.
 */
import { uuidv7 } from "./ids";
import { CREDENTIAL_KIND_NAMES } from "./kinds";

export const AUDIT_ACTIONS = [
  "org.bootstrap",
  "member.invite",
  "member.remove",
  "service_account.create",
  "api_key.create",
  "api_key.update",
  "api_key.delete",
  "service_token.create",
  "service_token.replace",
  "service_token.update",
  "service_token.delete",
  "access_token.create",
  "access_token.update",
  "access_token.refresh",
  "access_token.rotate",
  "access_token.delete",
  "access_app.create",
  "access_app.update",
  "access_app.delete",
  "access_app.revoke_tokens",
  "access_policy.create",
  "access_policy.update",
  "access_policy.delete",
  "access_policy.unlink",
  "webhook.create",
  "webhook.delete",
  "webhook.rotate_secret",
  "webhook.disable",
  "credential.leaked",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGETS = ["org", "principal", ...CREDENTIAL_KIND_NAMES, "access_app", "access_policy", "webhook"] as const;

export type AuditTarget = (typeof AUDIT_TARGETS)[number];

export interface AuditEvent {
  id: string;
  orgId: string;
  at: number;
  actorPrincipalId: string | null;
  actorCredentialId: string | null;
  action: AuditAction;
  targetType: AuditTarget;
  targetId: string;
  clientIp: string | null;
  requestId: string | null;
  /** Field names and values the change set; never a secret or a hash. */
  changes: Record<string, unknown>;
}

/**
 * Where a request's events come from: set up with the request id and client IP
 * before the handler runs; the authentication step fills in the actor.
 */
export class AuditContext {
  actor: { principalId: string | null; credentialId: string | null } = { principalId: null, credentialId: null };
  /**
   * The orgs this request built events in ("" for an event whose org storage resolves, as a
   * delete's): a request that built none wrote nothing that could raise a webhook.
   */
  readonly orgs = new Set<string>();

  constructor(
    readonly requestId: string | null = null,
    readonly clientIp: string | null = null,
  ) {}

  event(
    action: AuditAction,
    orgId: string,
    targetType: AuditTarget,
    targetId: string,
    changes: Record<string, unknown> = {},
    at = Date.now(),
  ): AuditEvent {
    this.orgs.add(orgId);
    return {
      id: uuidv7(at),
      orgId,
      at,
      actorPrincipalId: this.actor.principalId,
      actorCredentialId: this.actor.credentialId,
      action,
      targetType,
      targetId,
      clientIp: this.clientIp,
      requestId: this.requestId,
      changes,
    };
  }
}
