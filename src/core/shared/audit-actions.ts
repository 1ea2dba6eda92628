/**
 * Every action the audit log records. Data alone, importing nothing: the
 * console bundles it too, so that its filter offers exactly what the API knows.
 */
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
  "service_token.inactive_disabled",
  "service_token.inactive_deleted",
  "access_organization.update",
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
