/** Core objects → Braintrust wire JSON. */
import type { OwnedCredential } from "../../core/model";
import type { ApiKey } from "./schemas";

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
