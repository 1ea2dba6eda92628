/** Schemas shared by the GitHub-facing routes: one reported secret, and the plain error answers. */
import { z } from "@hono/zod-openapi";
import { ErrorSchema } from "../../http/errors";

/** Most secrets one report or one revocation may carry (GitHub's revocation API takes 1,000). */
export const MAX_SECRETS = 1000;

/** Longer than any secret of ours (66 characters) by far; longer strings cannot be one. */
export const ReportedSecret = z.string().min(1).max(1024);

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

export const errorResponses = {
  400: error("Invalid body, naming the field"),
  413: error("Body too large"),
  429: error("Too many requests from this address"),
  503: error("A dependency is unavailable; retry"),
} as const;

export const TAGS = ["Leak response"];
