/** Core objects → Braintrust wire JSON. */
import type { OwnedCredential } from "../../core/model";
import type { ApiKey, ServiceToken } from "./schemas";

export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function apiKeyToWire({ credential, owner }: OwnedCredential): ApiKey {
  return {
    id: credential.id,
    created: isoOrNull(credential.createdAt),
    name: credential.name,
    preview_name: credential.preview,
    user_id: owner?.id ?? null,
    user_email: owner?.email ?? null,
    user_given_name: owner?.givenName ?? null,
    user_family_name: owner?.familyName ?? null,
    org_id: credential.orgId,
    expires_at: isoOrNull(credential.expiresAt),
  };
}

export function serviceTokenToWire({ credential, owner }: OwnedCredential): ServiceToken {
  return {
    id: credential.id,
    created: isoOrNull(credential.createdAt),
    name: credential.name,
    preview_name: credential.preview,
    service_account_id: owner?.id ?? null,
    service_account_email: owner?.email ?? null,
    service_account_name: owner?.name ?? null,
    org_id: credential.orgId,
    expires_at: isoOrNull(credential.expiresAt),
  };
}
