/**
 * Domain errors: what went wrong, independent of any wire format. Each surface
 * turns them into its own envelope in exactly one place (its `errors.ts`).
 */

export type ErrorCode =
  | "invalid_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "misconfigured"
  | "bad_gateway"
  | "unavailable"
  | "internal";

/** Why authentication failed; surfaces choose how much of this to reveal. */
export type AuthFailure = "missing" | "malformed" | "unknown" | "invalid_secret" | "expired" | "disabled";

/**
 * Finer causes that some surfaces give their own error codes (Cloudflare's
 * envelope distinguishes a bad duration from a bad id, say).
 */
export type ErrorReason = "malformed_json" | "invalid_duration" | "invalid_id" | "no_route" | "unknown_account" | "ip_blocked";

export interface ErrorDetails {
  reason?: ErrorReason;
  /** The request field at fault, as the client named it (`name`, `ids[1]`). */
  field?: string;
  /** For `unauthenticated`: the precise cause. */
  authFailure?: AuthFailure;
  /** For `method_not_allowed`: the methods the path does accept. */
  allow?: string[];
  /** For `rate_limited`: seconds until a retry can succeed. */
  retryAfter?: number;
  /** Extra response headers (the RateLimit header of the policy that applied). */
  headers?: Record<string, string>;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** HTTP status of each code. A `Record` so that a new code cannot be forgotten. */
export const STATUS_OF: Record<ErrorCode, 400 | 401 | 403 | 404 | 405 | 409 | 413 | 429 | 500 | 502 | 503> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  misconfigured: 500,
  bad_gateway: 502,
  unavailable: 503,
  internal: 500,
};

export const invalid = (field: string, message: string) => new DomainError("invalid_request", `${field}: ${message}`, { field });

export const notFound = (what: string, id: string) => new DomainError("not_found", `${what} ${JSON.stringify(id)} not found`);

export const unauthenticated = (authFailure: AuthFailure, message: string) => new DomainError("unauthenticated", message, { authFailure });

export const forbidden = (message: string) => new DomainError("forbidden", message);

/** Removing these members would leave the org without an owner. */
export const lastOwner = () =>
  new DomainError("invalid_request", "remove_users: an org must keep at least one owner", { field: "remove_users" });
