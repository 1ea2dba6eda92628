/** Core objects → Braintrust wire JSON. */
import type { Credential, OwnedCredential } from "../../core/model";
import type { ApiKey, ServiceToken } from "./schemas";

export const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The fields API keys and service tokens share; they differ only in how they name their owner. */
const credentialFields = (c: Credential) => ({
  id: c.id,
  created: isoOrNull(c.createdAt),
  name: c.name,
  preview_name: c.preview,
  org_id: c.orgId,
  expires_at: isoOrNull(c.expiresAt),
});

export function apiKeyToWire({ credential, owner }: OwnedCredential): ApiKey {
  return {
    ...credentialFields(credential),
    user_id: owner?.id ?? null,
    user_email: owner?.email ?? null,
    user_given_name: owner?.givenName ?? null,
    user_family_name: owner?.familyName ?? null,
  };
}

export function serviceTokenToWire({ credential, owner }: OwnedCredential): ServiceToken {
  return {
    ...credentialFields(credential),
    service_account_id: owner?.id ?? null,
    service_account_email: owner?.email ?? null,
    service_account_name: owner?.name ?? null,
  };
}
