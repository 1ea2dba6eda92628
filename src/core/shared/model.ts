/** The objects the core deals in, independent of storage and of wire formats. */
import type { CredentialPolicy } from "./policy";
import type { CredentialKind, Role } from "./kinds";

// Roles and kinds are defined with the rules about them, in the registry of kinds.
export type { CredentialKind, Role } from "./kinds";
export type PrincipalKind = "user" | "service_account";

export interface Org {
  id: string;
  name: string;
  createdAt: number;
}

export interface Principal {
  id: string;
  kind: PrincipalKind;
  email: string;
  givenName: string | null;
  familyName: string | null;
  /** Service accounts' display name; null for users. */
  name: string | null;
  createdAt: number;
}

/** One stored credential of any kind. Times are epoch milliseconds. */
export interface Credential {
  id: string;
  kind: CredentialKind;
  orgId: string;
  /** Owner: a user (api_key) or a service account (service_token); null for access tokens. */
  principalId: string | null;
  name: string;
  preview: string;
  secretHash: ArrayBuffer;
  hashVersion: number;
  prevSecretHash: ArrayBuffer | null;
  prevHashVersion: number | null;
  prevExpiresAt: number | null;
  clientId: string | null;
  duration: string | null;
  secretVersion: number;
  enabled: boolean;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  lastUsedAt: number | null;
  /** Bumped by every update; updates compare-and-swap on it. */
  revision: number;
  /** Permissions, IP allowlist, rate limit and credits (edgekeys' extension); null: none. */
  policy: CredentialPolicy | null;
  /** Credits left as last written back by the credential's home (informational; the home's count decides). */
  creditsRemaining: number | null;
}

/** A credential together with the principal that owns it (null for access tokens). */
export interface OwnedCredential {
  credential: Credential;
  owner: Principal | null;
}

/** Who is calling: the verified credential, its owner, the org it was issued in, and the owner's role there. */
export interface Caller {
  credential: Credential;
  principal: Principal;
  org: Org;
  role: Role;
}

/** Who acts in which org: the org and the caller's role there. Owner-only changes are judged on it, in the core. */
export interface Acting {
  orgId: string;
  role: Role;
}
