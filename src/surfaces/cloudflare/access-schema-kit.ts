/**
 * Pieces shared by the Access application and policy schemas: parsing a part
 * of a body with the schema its shape selects (so that each problem keeps its
 * own field path), fields storage keeps as sent, paging, and the path params.
 */
import { z } from "@hono/zod-openapi";
import { durationProblem, FOREVER } from "../../core/shared/duration";
import { AccountParams, DEFAULT_PER_PAGE, ErrorEnvelopeSchema, errorResponses, MAX_PER_PAGE } from "./schemas";

// Paging is the Cloudflare surface's own; re-exported for the application and policy lists.
export { pageQuery } from "./schemas";

/**
 * `value` parsed with `schema`; on failure its issues are reported at `path`
 * (relative to the value being transformed) and z.NEVER is returned. A union
 * would report a bad rule or policy as one "Invalid input"; dispatching on the
 * shape first names the field and what is wrong with it.
 */
export function parseInto<T extends z.ZodType>(schema: T, value: unknown, ctx: z.RefinementCtx, path: PropertyKey[] = []): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({
      code: "custom",
      message: issue.message,
      path: [...path, ...issue.path],
      ...(issue.code === "custom" && issue.params ? { params: issue.params } : {}),
    });
  }
  return z.NEVER;
}

/** Deeper than this, a stored field is refused: SQLite's JSON functions stop at 1000 levels, and no Access field nests past 4. */
const MAX_DEPTH = 16;
// D1 stores text as UTF-8: a lone surrogate or a NUL would come back changed, so what we answered would not be what we kept.
const UNKEEPABLE = /[\u0000\p{Cs}]/u;

/** Where and why a free-form value cannot be stored and returned as sent; null when it can. */
function unkeepable(value: unknown, depth: number): { path: PropertyKey[]; message: string } | null {
  if (typeof value === "string")
    return UNKEEPABLE.test(value) ? { path: [], message: "must not contain NUL or unpaired UTF-16 surrogates" } : null;
  if (value === null || typeof value !== "object") return null;
  if (depth >= MAX_DEPTH) return { path: [], message: `nested deeper than ${MAX_DEPTH} levels` };
  for (const [key, inner] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof key === "string" && UNKEEPABLE.test(key)) return { path: [], message: "has a key with NUL or unpaired UTF-16 surrogates" };
    const found = unkeepable(inner, depth + 1);
    if (found) return { path: [key, ...found.path], message: found.message };
  }
  return null;
}

/**
 * A refinement for bodies whose other fields are kept as sent (`settings`):
 * each must survive storage unchanged. Checked on every field, known ones
 * included, since known objects (`cors_headers`, …) may carry unknown keys.
 */
export function keepableFields(body: Record<string, unknown>, ctx: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(body)) {
    const found = UNKEEPABLE.test(key)
      ? { path: [], message: "field names must not contain NUL or unpaired UTF-16 surrogates" }
      : unkeepable(value, 1);
    if (found) ctx.addIssue({ code: "custom", message: found.message, path: [key, ...found.path] });
  }
}

/** `obj` without `keys`: what a client may not set (ids, timestamps, counts) never reaches `settings`. */
export function omit(obj: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([key]) => !keys.includes(key)));
}

/** A Go duration as Access takes for sessions (`forever` is a service token's, not a session's). */
export const SessionDurationSchema = z
  .string()
  .max(64)
  .superRefine((value, ctx) => {
    const problem = value === FOREVER ? `${JSON.stringify(value)} is not a valid session duration` : durationProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { reason: "invalid_duration" } });
  })
  .openapi({
    description:
      "Go duration (`30m`, `24h`; units ns, us, µs, ms, s, m, h). Stored and returned; edgekeys's assertions keep their own lifetime",
    example: "24h",
  });

/** Unique per application; the lowest is evaluated first. */
export const PrecedenceSchema = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31 - 1)
  .openapi({
    description: "The order of evaluation within an application (unique per application, the lowest first)",
    example: 1,
  });

const uuidParam = (name: string, description: string) => z.uuid().openapi({ param: { name, in: "path" }, description });

export const AppParams = AccountParams.extend({ app_id: uuidParam("app_id", "UUID of the Access application") });
export const PolicyParams = AccountParams.extend({ policy_id: uuidParam("policy_id", "UUID of the Access policy") });
export const AppPolicyParams = AppParams.extend({ policy_id: uuidParam("policy_id", "UUID of the Access policy") });

export const APP_PER_PAGE = DEFAULT_PER_PAGE;
export const REUSABLE_POLICY_PER_PAGE = 100;
export const APP_POLICY_PER_PAGE = 200;

/** The page asked for, its size capped as on every Cloudflare list. */
export const pageOf = (q: { page?: number; per_page?: number }, defaultPerPage: number) => ({
  page: q.page ?? 1,
  perPage: Math.min(q.per_page ?? defaultPerPage, MAX_PER_PAGE),
});

export const resultInfo = (page: number, perPage: number, count: number, total: number) => ({
  page,
  per_page: perPage,
  count,
  total_count: total,
  total_pages: Math.ceil(total / perPage),
});

const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: ErrorEnvelopeSchema } } });

export const accessErrorResponses = {
  ...errorResponses,
  400: errorResponse("Invalid request (bad JSON, field, rule, duration or id)"),
  404: errorResponse("No such account, application or policy"),
} as const;

export const appConflictResponse = { 409: errorResponse("A host and path is claimed by another application") } as const;
export const precedenceConflictResponse = { 409: errorResponse("Another policy of the application has this precedence") } as const;
