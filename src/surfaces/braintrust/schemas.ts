/**
 * Braintrust wire schemas, written once from the official OpenAPI spec and used
 * for validation, TypeScript types and the generated OpenAPI document alike.
 */
import { z } from "@hono/zod-openapi";
import { ErrorSchema } from "../../http/errors";
import { dateTime, NameSchema } from "../shared/api-key";
import { PolicyInputFields, PolicyOutputFields } from "../shared/policy";

export { ApiKeySchema, CreateApiKeyOutputSchema, MAX_NAME_LENGTH, NameSchema } from "../shared/api-key";
export type { ApiKey, CreateApiKeyOutput } from "../shared/api-key";

/** Page size when `limit` is absent, and the most one page returns. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Most ids one `ids` filter may name. */
export const MAX_IDS = 50;

export const OrgNameSchema = NameSchema.nullish().openapi({
  description:
    "For nearly all users, this parameter should be unnecessary. But in the rare case that your API key belongs to multiple organizations, you may specify the name of the organization",
});

export const ExpiresAtSchema = dateTime
  .nullish()
  .openapi({ description: "When the credential stops working (RFC 3339); null or absent for never" });

/** `{"objects": [...]}`: Braintrust's list envelope. */
export const listOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ objects: z.array(item).openapi({ description: `A list of ${name} objects` }) });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The error answers every authenticated `/v1` operation can give. */
export const errorResponses = {
  400: errorResponse("The request was unacceptable, often due to a missing or invalid parameter"),
  401: errorResponse("No valid API key provided"),
  403: errorResponse("The API key doesn't have permissions to perform the request"),
  404: errorResponse("The object does not exist, or belongs to another org"),
  413: errorResponse("The request body is too large"),
  429: errorResponse("Too many requests; retry after the Retry-After header's seconds"),
  500: errorResponse("Something went wrong on our end"),
} as const;

export const ServiceTokenSchema = z
  .object({
    id: z.uuid().openapi({ description: "Unique identifier for the service token" }),
    created: dateTime.nullable().openapi({ description: "Date of service token creation" }),
    name: z.string().openapi({ description: "Name of the service token" }),
    preview_name: z.string().openapi({ description: "A reminder of the token: its prefix and last characters" }),
    service_account_id: z.uuid().nullable().openapi({ description: "Unique identifier for the service account" }),
    service_account_email: z.string().nullable().openapi({ description: "The service account email (not routable)" }),
    service_account_name: z.string().nullable().openapi({ description: "The service account name" }),
    org_id: z.uuid().nullable().openapi({ description: "Unique identifier for the organization" }),
    expires_at: dateTime.nullable().openapi({ description: "When the token stops working; null for never" }),
    last_used_at: dateTime.nullable().openapi({
      description:
        'edgekeys extension: the last successful authentication; exact when one key is read, up to about 70 minutes behind in lists (see README "Usage"); null until the first',
    }),
    ...PolicyOutputFields,
  })
  .openapi("ServiceToken");

export const CreateServiceTokenOutputSchema = ServiceTokenSchema.extend({
  key: z.string().openapi({ description: "The raw service token. It will only be exposed this one time" }),
}).openapi("CreateServiceTokenOutput");

export type ServiceToken = z.infer<typeof ServiceTokenSchema>;

export const CreateServiceTokenBody = z
  .object({
    name: NameSchema.openapi({ description: "Name of the service token" }),
    org_name: OrgNameSchema,
    service_account_id: z.uuid().openapi({ description: "The service account this service token belongs to" }),
    expires_at: ExpiresAtSchema,
    ...PolicyInputFields,
  })
  .openapi("CreateServiceToken");
