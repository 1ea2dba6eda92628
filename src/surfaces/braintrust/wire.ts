/** Core objects → Braintrust wire JSON. */
import type { OwnedCredential } from "../../core/shared/model";
import { credentialFields } from "../shared/api-key";
import type { ServiceToken } from "./schemas";

export { apiKeyToWire, isoOrNull } from "../shared/api-key";

export function serviceTokenToWire({ credential, owner }: OwnedCredential): ServiceToken {
  return {
    ...credentialFields(credential),
    service_account_id: owner?.id ?? null,
    service_account_email: owner?.email ?? null,
    service_account_name: owner?.name ?? null,
  };
}
