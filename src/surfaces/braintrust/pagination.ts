/**
 * Braintrust list parameters: `limit`, id cursors (`starting_after` /
 * `ending_before`, one at a time) and `ids`, which clients send either repeated
 * (`ids=a&ids=b`) or comma-joined (`ids=a%2Cb`).
 */
import { z } from "@hono/zod-openapi";
import { DEFAULT_LIMIT, MAX_IDS, MAX_LIMIT } from "./schemas";

const splitIds = (value: unknown) =>
  value === undefined
    ? undefined
    : (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(","))
        .map((v) => v.trim())
        .filter(Boolean);

export const listParams = {
  limit: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({ description: `Limit the number of objects to return (default ${DEFAULT_LIMIT}, at most ${MAX_LIMIT})` }),
  starting_after: z.uuid().optional().openapi({
    description: "Pagination cursor id: pass the id of the last object of the previous page to get the next one",
  }),
  ending_before: z.uuid().optional().openapi({
    description: "Pagination cursor id: pass the id of the first object of a page to get the page before it",
  }),
  ids: z.preprocess(splitIds, z.array(z.uuid()).max(MAX_IDS).optional()).openapi({
    description: `Filter search results to a particular set of object ids (repeat the parameter, or join with commas; at most ${MAX_IDS})`,
    type: "array",
    items: { type: "string", format: "uuid" },
  }),
};

/** An edgekeys extension on the credential lists: only credentials that expire before this time. */
export const expiresBeforeParam = {
  expires_before: z.iso.datetime({ offset: true }).optional().openapi({
    description: "edgekeys extension: only credentials with an expiry before this time (RFC 3339), e.g. to find those about to expire",
  }),
};

/** Refuses both cursors at once (applied with `superRefine` on the query object). */
export function oneCursor(q: { starting_after?: string; ending_before?: string }, ctx: z.RefinementCtx) {
  if (q.starting_after !== undefined && q.ending_before !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["ending_before"],
      message: "pass only one of starting_after and ending_before",
    });
  }
}

/** The page size to use: the default when absent, capped at the maximum. */
export const pageSize = (limit: number | undefined) => Math.min(limit ?? DEFAULT_LIMIT, MAX_LIMIT);
