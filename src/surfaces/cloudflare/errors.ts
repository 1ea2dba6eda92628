/**
 * The Cloudflare surface's error format: the v4 envelope with `success: false`,
 * `result: null` and one error `{code, message, source?}`. Every kind of failure
 * has its own integer code; README lists them.
 */
import { type DomainError, STATUS_OF, type ErrorCode, type ErrorReason } from "../../core/shared/errors";
import { type ErrorRenderer, errorHeaders } from "../../http/errors";

/** Codes by finer reason first, then by domain code. */
export const REASON_CODES: Partial<Record<ErrorReason, number>> = {
  malformed_json: 10002,
  invalid_duration: 10003,
  invalid_id: 10004,
  no_route: 7000,
  unknown_account: 7003,
};

export const CODES: Record<ErrorCode, number> = {
  unauthenticated: 10000,
  invalid_request: 10001,
  payload_too_large: 10005,
  not_found: 10006,
  method_not_allowed: 10007,
  conflict: 10008,
  rate_limited: 10009,
  internal: 10010,
  misconfigured: 10010,
  bad_gateway: 10010,
  unavailable: 10010,
  forbidden: 9109,
};

/** Cloudflare's own code for a request that carries no credentials at all. */
export const MISSING_CREDENTIALS_CODE = 9106;

export function cloudflareCode(error: DomainError): number {
  if (error.details.authFailure === "missing") return MISSING_CREDENTIALS_CODE;
  return (error.details.reason && REASON_CODES[error.details.reason]) || CODES[error.code];
}

/** `invite.names[0]` → `/invite/names/0`: the JSON pointer of a field. */
const pointer = (field: string) =>
  `/${field
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .join("/")}`;

export const renderCloudflareError: ErrorRenderer = (c, error) => {
  const status = STATUS_OF[error.code];
  // Server errors name the request id so that a report can be matched to the logs.
  const message = status >= 500 ? `${error.message} (request id ${c.get("requestId")})` : error.message;
  return c.json(
    {
      success: false,
      errors: [
        {
          code: cloudflareCode(error),
          message,
          ...(error.details.field ? { source: { pointer: pointer(error.details.field) } } : {}),
        },
      ],
      messages: [],
      result: null,
    },
    status,
    errorHeaders(error),
  );
};
