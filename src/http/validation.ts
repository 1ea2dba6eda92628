/** Turns a failed zod validation into one domain error naming the field. */
import type { ZodError } from "zod";
import { DomainError, type ErrorReason } from "../core/shared/errors";

const TARGET_LABEL: Record<string, string> = {
  json: "body",
  query: "query parameter",
  param: "path parameter",
  header: "header",
};

/** `ids[1]`, `invite_users.service_accounts[0].name`: the field as a client would write it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`)).join("");
}

export function validationError(error: ZodError, target: string): DomainError {
  const issue = error.issues[0];
  const field = issue ? fieldPath(issue.path) : "";
  const where = TARGET_LABEL[target] ?? target;
  const message = issue ? `Invalid ${where}${field ? ` "${field}"` : ""}: ${issue.message}` : `Invalid ${where}`;
  // A refinement may name a finer reason (`params: { reason }`); a bad path id is its own reason.
  const reason =
    (issue?.code === "custom" ? (issue.params?.reason as ErrorReason | undefined) : undefined) ??
    (target === "param" ? "invalid_id" : undefined);
  return new DomainError("invalid_request", message, { field: field || undefined, reason });
}

/** The one validation hook of every router: a failed parse becomes a DomainError for the surface to render. */
export const throwOnInvalid = (result: { success: boolean; error?: unknown; target: string }) => {
  if (!result.success) throw validationError(result.error as ZodError, result.target);
};
