/**
 * Cloudflare Access service-token wire schemas, from Cloudflare's API schema
 * and SDK, used for validation, types and the OpenAPI document.
 */
import { z } from "@hono/zod-openapi";
import { durationProblem } from "../../core/shared/duration";
import { plainText } from "../../http/text";
import { PolicyOutputFields } from "../shared/policy";

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 1000;

/** Either an API token, or the email and key pair. */
export const CLOUDFLARE_SECURITY: Record<string, string[]>[] = [{ api_token: [] }, { api_email: [], api_key: [] }];

const timestamp = z.iso.datetime({ offset: true });

const MessageSchema = z.object({
  code: z.number().int().min(1000),
  message: z.string(),
  documentation_url: z.string().optional(),
  source: z.object({ pointer: z.string().optional() }).optional(),
});

export const ErrorEnvelopeSchema = z
  .object({
    success: z.literal(false),
    errors: z.array(MessageSchema).min(1),
    messages: z.array(MessageSchema),
    result: z.null(),
  })
  .openapi("CloudflareErrorEnvelope");

/** `{success: true, errors: [], messages: [], result}` around `result`. */
export const envelope = <T extends z.ZodType>(result: T) =>
  z.object({ success: z.literal(true), errors: z.array(MessageSchema), messages: z.array(MessageSchema), result });

export const ResultInfoSchema = z.object({
  page: z.number().int(),
  per_page: z.number().int(),
  count: z.number().int().openapi({ description: "Results on this page" }),
  total_count: z.number().int().openapi({ description: "Results on all pages" }),
  total_pages: z.number().int(),
});

export const AccessServiceTokenSchema = z
  .object({
    id: z.uuid().openapi({ description: "The ID of the service token" }),
    client_id: z.string().openapi({
      description: "The Client ID for the service token, checked in the CF-Access-Client-Id request header",
      example: "88bf3b6d86161464f6509f7219099e57.access",
    }),
    name: z.string().openapi({ description: "The name of the service token", example: "CI/CD token" }),
    duration: z.string().openapi({ description: "How long the token is valid (Go duration) or `forever`", example: "8760h" }),
    expires_at: timestamp.optional().openapi({ description: "When the token expires; absent for `forever`" }),
    created_at: timestamp,
    updated_at: timestamp,
    last_seen_at: timestamp.optional().openapi({
      description:
        'Last successful authentication; exact when one token is read, up to about 70 minutes behind in lists (edgekeys: see README "Usage"); absent until the first',
    }),
    client_secret_version: z.number().int().openapi({ description: "Version of the current client secret; raising it rotates" }),
    previous_client_secret_expires_at: timestamp
      .nullable()
      .openapi({ description: "When the previous client secret stops (or stopped) working" }),
    enabled: z.boolean().openapi({ description: "A disabled token authenticates with neither its current nor its previous secret" }),
    ...PolicyOutputFields,
  })
  .openapi("AccessServiceToken");

export const AccessServiceTokenWithSecretSchema = AccessServiceTokenSchema.extend({
  client_secret: z.string().openapi({
    description: "The Client Secret, checked in the CF-Access-Client-Secret header. Shown only this once",
  }),
}).openapi("AccessServiceTokenWithSecret");

export type AccessServiceToken = z.infer<typeof AccessServiceTokenSchema>;

export const DurationSchema = z
  .string()
  .max(64)
  .superRefine((value, ctx) => {
    const problem = durationProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { reason: "invalid_duration" } });
  })
  .openapi({
    description: "Go duration (`300ms`, `2h45m`; units ns, us, µs, ms, s, m, h) or `forever`. Default 8760h",
    example: "60m",
  });

export const NameSchema = plainText(z.string().min(1).max(256)).openapi({
  description: "The name of the service token",
  example: "CI/CD token",
});
export const SecretVersionSchema = z
  .number()
  .int()
  .min(1)
  .max(2 ** 31)
  .openapi({
    description: "Version of the client secret; raising it on update rotates the secret",
  });
export const PreviousSecretExpiresAtSchema = timestamp.openapi({
  description: "When the previous client secret stops working; may be moved later or into the past",
  example: "2014-01-01T05:20:00.12345Z",
});

export const AccountParams = z.object({
  account_id: z.string().openapi({ param: { name: "account_id", in: "path" }, description: "Account identifier (32 hex)" }),
});

export const TokenParams = AccountParams.extend({
  service_token_id: z.uuid().openapi({ param: { name: "service_token_id", in: "path" }, description: "UUID of the service token" }),
});

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorEnvelopeSchema } },
});

export const errorResponses = {
  400: errorResponse("Invalid request (bad JSON, field, duration or id)"),
  401: errorResponse("Missing or invalid credentials"),
  403: errorResponse("The credential is not an owner's"),
  404: errorResponse("No such account or service token"),
  413: errorResponse("Request body too large"),
  429: errorResponse("Too many requests"),
  500: errorResponse("Server error"),
} as const;

/** `page` and `per_page`, with the list's own default page size. */
export const pageQuery = (defaultPerPage: number) =>
  z.object({
    page: z.coerce.number().int().min(1).max(1_000_000).optional().openapi({ description: "Page number of results (from 1)" }),
    per_page: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .openapi({ description: `Number of results per page (default ${defaultPerPage}, at most ${MAX_PER_PAGE})` }),
  });
