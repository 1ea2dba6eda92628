/**
 * Service authentication at the edge, as Cloudflare Access does it for service
 * tokens: `CF-Access-Client-Id` + `CF-Access-Client-Secret`, or one configured
 * header holding both as JSON, or `Authorization: Bearer` with an API key or a
 * Braintrust service token. Strict: never a redirect; 401 when the caller did
 * not prove a secret, 403 when a proven credential is disabled or expired.
 */
import { DomainError } from "../core/shared/errors";
import { uuidToHex } from "../core/shared/ids";
import type { Credential, Principal } from "../core/shared/model";
import type { Authenticated } from "./pipeline";

/** Who authenticated: what every consumer of service auth (JWT, get-identity, RPC, gateway) is told. */
export interface ServiceIdentity {
  credentialId: string;
  credentialKind: Credential["kind"];
  name: string;
  orgId: string;
  /** Access service tokens: the client id (the JWT's `common_name`). */
  clientId: string | null;
  /** Keys and Braintrust service tokens: their owner. */
  principal: Pick<Principal, "id" | "kind" | "email"> | null;
  /** Access service tokens: whether the previous secret (in its grace period) was used. */
  usedPreviousSecret: boolean;
}

/** The identity of an authenticated credential. */
export function identityOf({ record, usedPrevious }: Authenticated): ServiceIdentity {
  const { credential, principal } = record;
  return {
    credentialId: credential.id,
    credentialKind: credential.kind,
    name: credential.name,
    orgId: credential.orgId,
    clientId: credential.clientId,
    principal: principal && { id: principal.id, kind: principal.kind, email: principal.email },
    usedPreviousSecret: usedPrevious,
  };
}

/** The identity as JSON, for `get-identity` and the RPC entrypoint alike. */
export function describeIdentity(identity: ServiceIdentity) {
  return {
    id: identity.credentialId,
    credential_kind: identity.credentialKind,
    name: identity.name,
    common_name: identity.clientId ?? identity.credentialId,
    client_id: identity.clientId,
    account_id: uuidToHex(identity.orgId),
    org_id: identity.orgId,
    principal: identity.principal,
    used_previous_secret: identity.usedPreviousSecret,
  };
}

export type IdentityJson = ReturnType<typeof describeIdentity>;

/** Service auth answers a proven but disabled or expired credential with 403, saying why. */
export function refuseProven(err: unknown): unknown {
  const failure = err instanceof DomainError ? err.details.authFailure : undefined;
  if (failure === "disabled" || failure === "expired")
    return new DomainError("forbidden", (err as Error).message, { authFailure: failure });
  return err;
}
