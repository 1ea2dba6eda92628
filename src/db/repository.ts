/**
 * Storage interface of the core. One implementation (`d1-repository.ts`);
 * tests run it against a real D1 inside workerd rather than mocking it.
 */
import type { Caller, Credential, CredentialKind, Org, OwnedCredential, Principal, Role } from "../core/model";

/** Which credential, seen from whom: every read and write names its org or owner. */
export interface CredentialScope {
  id: string;
  kind: CredentialKind;
  orgId?: string;
  principalId?: string;
}

export interface CredentialListQuery {
  kind: CredentialKind;
  orgId?: string;
  principalId?: string;
  name?: string;
  ids?: string[];
  /** Keyset cursors on the (time-ordered) id; at most one of the two. */
  startingAfter?: string;
  endingBefore?: string;
  limit: number;
}

export interface BootstrapInput {
  org: Org;
  user: Principal;
  /** The key to issue; its orgId/principalId are ignored and resolved from the names above. */
  credential: Credential;
  now: number;
}

export interface Repository {
  /** Everything authentication needs about a credential, in one read; null if it or its membership is gone. */
  getCaller(credentialId: string): Promise<Caller | null>;
  /** The org named `orgName` if `principalId` is a member of it. */
  findMembership(principalId: string, orgName: string): Promise<{ org: Org; role: Role } | null>;
  insertCredential(credential: Credential): Promise<void>;
  listCredentials(query: CredentialListQuery): Promise<OwnedCredential[]>;
  getCredential(scope: CredentialScope): Promise<OwnedCredential | null>;
  /** Deletes and returns what was deleted, atomically; null when nothing matched the scope. */
  deleteCredential(scope: CredentialScope): Promise<OwnedCredential | null>;
  /** Creates the org and user when missing, makes the user an owner and stores the key, in one batch. */
  bootstrap(input: BootstrapInput): Promise<{ org: Org; user: Principal }>;
}
