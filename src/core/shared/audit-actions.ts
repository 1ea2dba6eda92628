/**
 * Every action the audit log records: each credential kind's, derived from
 * the kind registry (a new kind brings its own), and the others. Data only:
 * the console bundles it too, so that its filter offers exactly what the API knows.
 */
import { CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS } from "./kinds";

type Kinds = typeof CREDENTIAL_KINDS;
/** `<kind>.<verb>` for every kind and each of its audit verbs. */
type KindAction = { [K in keyof Kinds]: `${K}.${Kinds[K]["auditVerbs"][number]}` }[keyof Kinds];

const OTHER_ACTIONS = [
  "org.bootstrap",
  "member.invite",
  "member.remove",
  "service_account.create",
  // Access's own names for the cleanup of inactive Access service tokens.
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

export type AuditAction = KindAction | (typeof OTHER_ACTIONS)[number];

const KIND_ACTIONS = CREDENTIAL_KIND_NAMES.flatMap((kind) =>
  CREDENTIAL_KINDS[kind].auditVerbs.map((verb) => `${kind}.${verb}` as KindAction),
);

export const AUDIT_ACTIONS = [...OTHER_ACTIONS.slice(0, 4), ...KIND_ACTIONS, ...OTHER_ACTIONS.slice(4)] as [AuditAction, ...AuditAction[]];
