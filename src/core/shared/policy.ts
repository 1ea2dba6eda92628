/**
 * The shape of a credential's policy: part of the credential's model, so it
 * lives with the model; how it is granted and validated is
 * `core/credentials/policy.ts`, how it is enforced the credential's home.
 */
import type { Permission } from "./permissions";

export interface RateLimitOverride {
  limit: number;
  windowSeconds: number;
}

export interface CreditRefill {
  amount: number;
  intervalSeconds: number;
}

export interface Credits {
  /** What the owner set; what is left lives in the credential's home (and, informational, in D1). */
  remaining: number;
  /** Every `intervalSeconds` after `setAt`, remaining is topped up to `amount`. */
  refill: CreditRefill | null;
  /** When the owner set them: a new stamp resets the home's counter to `remaining`. */
  setAt: number;
}

export interface CredentialPolicy {
  permissions: Permission[] | null;
  ipAllowlist: string[] | null;
  rateLimit: RateLimitOverride | null;
  credits: Credits | null;
}
