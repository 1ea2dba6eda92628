/** Core objects → Cloudflare wire JSON, inside the v4 envelope. */
import { describePolicy } from "../../core/credentials/policy";
import type { Credential } from "../../core/shared/model";
import type { AccessServiceToken } from "./schemas";
import { iso } from "../shared/api-key";

export function accessTokenToWire(c: Credential): AccessServiceToken {
  return {
    id: c.id,
    client_id: c.clientId!,
    name: c.name,
    duration: c.duration!,
    // `forever` tokens have no expiry: the field is left out.
    ...(c.expiresAt === null ? {} : { expires_at: iso(c.expiresAt) }),
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    // Access's schema has no null here: never used, the field is left out (as `expires_at` for `forever`).
    ...(c.lastUsedAt === null ? {} : { last_seen_at: iso(c.lastUsedAt) }),
    client_secret_version: c.secretVersion,
    previous_client_secret_expires_at: c.prevExpiresAt === null ? null : iso(c.prevExpiresAt),
    enabled: c.enabled,
    ...describePolicy(c.policy, c.creditsRemaining),
  };
}

/** The success envelope. */
export const ok = <T>(result: T) => ({ success: true as const, errors: [], messages: [], result });
