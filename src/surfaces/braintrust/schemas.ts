/**
 * Braintrust wire schemas, written once from the official OpenAPI spec and used
 * for validation, TypeScript types and the generated OpenAPI document alike.
 */
import { z } from "@hono/zod-openapi";
import { plainText } from "../../http/text";

/** Longest name we store; Braintrust sets none, but unbounded strings are an abuse vector. */
export const MAX_NAME_LENGTH = 256;
/** Page size when `limit` is absent, and the most one page returns. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Most ids one `ids` filter may name. */
export const MAX_IDS = 50;

const dateTime = z.iso.datetime({ offset: true });

export const ApiKeySchema = z
  .object({
    id: z.uuid().openapi({ description: "Unique identifier for the api key" }),
    created: dateTime.nullable().openapi({ description: "Date of api key creation" }),
    name: z.string().openapi({ description: "Name of the api key" }),
    preview_name: z.string().openapi({ description: "A reminder of the key: its prefix and last characters" }),
    user_id: z.uuid().nullable().openapi({ description: "Unique identifier for the user" }),
    user_email: z.string().nullable().openapi({ description: "The user's email" }),
    user_given_name: z.string().nullable().openapi({ description: "Given name of the user" }),
    user_family_name: z.string().nullable().openapi({ description: "Family name of the user" }),
    org_id: z.uuid().nullable().openapi({ description: "Unique identifier for the organization" }),
    expires_at: dateTime.nullable().openapi({ description: "When the key stops working; null for never" }),
  })
  .openapi("ApiKey");

export const CreateApiKeyOutputSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The raw API key. It will only be exposed this one time" }),
}).openapi("CreateApiKeyOutput");

export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreateApiKeyOutput = z.infer<typeof CreateApiKeyOutputSchema>;

export const NameSchema = plainText(z.string().min(1).max(MAX_NAME_LENGTH));

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

export const ErrorSchema = z
  .object({
    error: z.string().openapi({ description: "Machine-readable error code", example: "invalid_request" }),
    message: z.string().openapi({ description: "What was wrong, naming the field or id" }),
    field: z.string().optional().openapi({ description: "The request field at fault" }),
    request_id: z.string().openapi({ description: "Also sent as the X-Request-Id response header" }),
  })
  .openapi("Error");

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
  })
  .openapi("CreateServiceToken");
