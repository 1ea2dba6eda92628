/**
 * Shared error plumbing: normalising whatever was thrown into a DomainError,
 * and the plain JSON error body used by /admin and by the Braintrust surface.
 * Each surface picks its renderer in `app.ts`; there is no other place that
 * turns an error into a response.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { DomainError, STATUS_OF } from "../core/shared/errors";
import type { AppEnv } from "./app-env";

export type ErrorRenderer = (c: Context<AppEnv>, error: DomainError) => Response;

/** Anything thrown → a DomainError; unexpected errors are logged (messages only, never request data). */
export function toDomainError(c: Context<AppEnv>, err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof HTTPException) {
    if (err.status === 413) return new DomainError("payload_too_large", "Request body too large");
    // Hono's validators: malformed JSON (400) or a body that is not JSON at all (415).
    if (err.status === 415) {
      return new DomainError("invalid_request", "Request body must be JSON (Content-Type: application/json)");
    }
    if (err.status === 400) return new DomainError("invalid_request", err.message || "Bad request", { reason: "malformed_json" });
    if (err.status > 400 && err.status < 500) return new DomainError("invalid_request", err.message || "Bad request");
  }
  console.error(`[${c.get("requestId")}] unhandled error:`, err instanceof Error ? err.message : String(err));
  return new DomainError("internal", "Internal server error");
}

/** Headers every error response carries: `Allow` on 405, `Retry-After` on 429. */
export function errorHeaders(error: DomainError): Record<string, string> {
  const headers: Record<string, string> = { ...error.details.headers };
  if (error.details.allow) headers.Allow = error.details.allow.join(", ");
  if (error.details.retryAfter !== undefined) headers["Retry-After"] = String(error.details.retryAfter);
  return headers;
}

/** `{"error": code, "message", "field"?, "request_id"}` with the code's status. */
export const renderPlainError: ErrorRenderer = (c, error) =>
  c.json(
    {
      error: error.code,
      message: error.message,
      ...(error.details.field ? { field: error.details.field } : {}),
      request_id: c.get("requestId"),
    },
    STATUS_OF[error.code],
    errorHeaders(error),
  );

/** The plain error body, for the OpenAPI document of the surfaces that use `renderPlainError`. */
export const ErrorSchema = z
  .object({
    error: z.string().openapi({ description: "Machine-readable error code", example: "invalid_request" }),
    message: z.string().openapi({ description: "What was wrong, naming the field or id" }),
    field: z.string().optional().openapi({ description: "The request field at fault" }),
    request_id: z.string().openapi({ description: "Also sent as the X-Request-Id response header" }),
  })
  .openapi("Error");
