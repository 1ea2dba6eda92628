/**
 * The registry of credential kinds: everything the code knows about a kind is
 * written here once, and the types, token prefixes, labels, audit targets,
 * homes, owner rules and the identity schema derive from it. A new kind is an
 * entry here plus its surface files (and a migration widening the `kind` CHECK
 * of the `credentials` table).
 */
import { forbidden } from "./errors";

/** A member's role in an org: owners may do everything, members what `ownersOnly` leaves them. */
export type Role = "owner" | "member";

interface KindSpec {
  /** How the kind is named in answers ("API key … not found"). */
  label: string;
  /** How authentication failures name it ("Invalid service token"). */
  authLabel: string;
  /** How a request presents it: a Bearer token that carries its id, or an Access client id and secret. */
  presented: "bearer" | "client";
  /** Bearer tokens: their prefix (the checksum and id follow). */
  prefix?: string;
  /** Client kinds: the prefix of the client secrets edgekeys mints (the secret carries the id as a token does). */
  secretPrefix?: string;
  /**
   * The secret's format for scanners: its name in `SECRET_PATTERNS` and the scanner rule files,
   * and (as `edgekeys_<name>`) the token type registered with GitHub's secret scanning.
   */
  secretFormat: string;
  /** Whether creating, changing and deleting it needs an org owner, and how the refusal names it. */
  ownersOnly: false | { what: string };
  /** What the audit log records of it: `<kind>.<verb>` for each (core/shared/audit-actions.ts). */
  auditVerbs: readonly string[];
}

export const CREDENTIAL_KINDS = {
  api_key: {
    label: "API key",
    authLabel: "API key",
    presented: "bearer",
    prefix: "sk-",
    secretFormat: "api_key",
    ownersOnly: false,
    auditVerbs: ["create", "update", "delete"],
  },
  service_token: {
    label: "Service token",
    authLabel: "Service token",
    presented: "bearer",
    prefix: "bt-st-",
    secretFormat: "service_token",
    ownersOnly: { what: "service tokens" },
    auditVerbs: ["create", "replace", "update", "delete"],
  },
  access_token: {
    label: "Access service token",
    authLabel: "service token",
    presented: "client",
    secretPrefix: "ekcs_",
    secretFormat: "access_client_secret",
    ownersOnly: { what: "Access service tokens" },
    auditVerbs: ["create", "update", "refresh", "rotate", "delete"],
  },
} as const satisfies Record<string, KindSpec>;

export type CredentialKind = keyof typeof CREDENTIAL_KINDS;

/** The kinds presented as Bearer tokens (their home is named by the id inside the token). */
export type TokenKind = { [K in CredentialKind]: (typeof CREDENTIAL_KINDS)[K]["presented"] extends "bearer" ? K : never }[CredentialKind];

/** The kinds presented as an Access client id and secret (their home is named by the client id). */
export type ClientKind = Exclude<CredentialKind, TokenKind>;

export const CREDENTIAL_KIND_NAMES = Object.keys(CREDENTIAL_KINDS) as [CredentialKind, ...CredentialKind[]];

export const isTokenKind = (kind: CredentialKind): kind is TokenKind => CREDENTIAL_KINDS[kind].presented === "bearer";

/** The prefix of each Bearer kind. */
export const TOKEN_PREFIXES = Object.fromEntries(
  CREDENTIAL_KIND_NAMES.filter(isTokenKind).map((kind) => [kind, (CREDENTIAL_KINDS[kind] as { prefix: string }).prefix]),
) as Record<TokenKind, string>;

export const isClientKind = (kind: CredentialKind): kind is ClientKind => CREDENTIAL_KINDS[kind].presented === "client";

/** The prefix of each kind's secrets as edgekeys mints them: the token itself, or the client secret. */
export const SECRET_PREFIXES = Object.fromEntries(
  CREDENTIAL_KIND_NAMES.map((kind) => {
    const spec = CREDENTIAL_KINDS[kind] as KindSpec;
    return [kind, (spec.prefix ?? spec.secretPrefix)!];
  }),
) as Record<CredentialKind, string>;

/** Each kind's secret format name (`SECRET_PATTERNS`' keys; `edgekeys_<name>` for GitHub). */
export const SECRET_FORMATS = Object.fromEntries(
  CREDENTIAL_KIND_NAMES.map((kind) => [kind, CREDENTIAL_KINDS[kind].secretFormat]),
) as Record<CredentialKind, string>;

/** The one place owner-only changes are decided: refuses a member's `verb` ("Creating") on an owners-only kind. */
export function authorizeChange(kind: CredentialKind, role: Role, verb: string): void {
  const rule = CREDENTIAL_KINDS[kind].ownersOnly;
  if (rule) requireOwner(role, `${verb} ${rule.what}`);
}

/** Refuses anyone but an owner of the org, saying what needed ownership. */
export function requireOwner(role: Role, action: string): void {
  if (role !== "owner") throw forbidden(`${action} requires an org owner's credential; yours is a member's`);
}
