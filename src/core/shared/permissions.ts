/**
 * The published table of permissions a credential may be limited to, and what
 * each role holds. A credential's `permissions` only ever narrow what its
 * owner's role allows (the core's role checks still run on every change), so
 * "absent" means the owner's rights and a member's credential can never do
 * what a member cannot. Each route names the one permission it needs
 * (`surfaces/shared/route-permissions.ts`, `x-required-permission` in the
 * OpenAPI document).
 */
import { forbidden, invalid } from "../shared/errors";
import type { Role } from "../shared/kinds";

export const PERMISSIONS = {
  "api_keys:read": "List and read the caller's own API keys",
  "api_keys:write": "Create, change and delete the caller's own API keys",
  "service_tokens:read": "List and read the org's Braintrust service tokens",
  "service_tokens:write": "Create, replace, change and delete Braintrust service tokens",
  "members:write": "Invite and remove members, create service accounts (PATCH /v1/organization/members)",
  "access:read": "Read Access service tokens, applications and policies",
  "access:write": "Create, change, rotate, refresh and delete Access service tokens, applications and policies",
  "webhooks:read": "Read webhooks and their deliveries",
  "webhooks:write": "Create, delete and rotate webhooks",
  "audit:read": "Read the audit log",
  "usage:read": "Read the org's credentials ranked by use (GET /v1/usage)",
  identity: "Authenticate as an identity: get-identity, the gateway and the RPC entrypoint",
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as [Permission, ...Permission[]];

const isPermission = (name: string): name is Permission => Object.hasOwn(PERMISSIONS, name);

/**
 * What a role may do at all, as permissions: an owner everything; a member its
 * own keys, reading the org's service tokens, and authenticating. The core's
 * role checks (`kinds.ts`) decide the same on every change; this table is only
 * what a member may grant.
 */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  owner: PERMISSION_NAMES,
  member: ["api_keys:read", "api_keys:write", "service_tokens:read", "identity"],
};

/** Validated permission names, sorted and without repeats; an unknown one is a 400 naming it. */
export function parsePermissions(names: readonly string[], field = "permissions"): Permission[] {
  names.forEach((name, i) => {
    if (!isPermission(name))
      throw invalid(`${field}[${i}]`, `unknown permission ${JSON.stringify(name)}; known: ${PERMISSION_NAMES.join(", ")}`);
  });
  return PERMISSION_NAMES.filter((p) => names.includes(p));
}

/** What a credential holds: its own list when it has one, else everything its owner's role allows. */
export const heldPermissions = (role: Role, own: readonly Permission[] | null | undefined): readonly Permission[] =>
  own ? own.filter((p) => ROLE_PERMISSIONS[role].includes(p)) : ROLE_PERMISSIONS[role];

/** Refuses a request for `permission` by a credential limited to `own` (null: not limited). */
export function requirePermission(own: readonly Permission[] | null | undefined, permission: Permission): void {
  if (own && !own.includes(permission)) {
    throw forbidden(`This credential lacks the permission ${permission} (it holds: ${own.join(", ") || "none"})`);
  }
}
