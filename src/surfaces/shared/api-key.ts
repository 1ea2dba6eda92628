/**
 * An API key on the wire, as Braintrust's API shapes it: shared by the surfaces
 * that hand one out (`/v1/api_key`, and `/admin/bootstrap`), so that neither
 * imports the other. Also the name rule every surface applies.
 */
import { z } from "@hono/zod-openapi";
import type { Credential, OwnedCredential } from "../../core/shared/model";
import { describePolicy } from "../../core/credentials/policy";
import { plainText } from "../../http/text";
import { PolicyOutputFields } from "./policy";

/** Longest name we store; Braintrust sets none, but unbounded strings are an abuse vector. */
export const MAX_NAME_LENGTH = 256;
export const dateTime = z.iso.datetime({ offset: true });

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
    last_used_at: dateTime.nullable().openapi({
      description:
        'edgekeys extension: the last successful authentication; exact when one key is read, up to about 70 minutes behind in lists (see README "Usage"); null until the first',
    }),
    ...PolicyOutputFields,
  })
  .openapi("ApiKey");

export const CreateApiKeyOutputSchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: "The raw API key. It will only be exposed this one time" }),
}).openapi("CreateApiKeyOutput");

export type ApiKey = z.infer<typeof ApiKeySchema>;
export type CreateApiKeyOutput = z.infer<typeof CreateApiKeyOutputSchema>;

export const NameSchema = plainText(z.string().min(1).max(MAX_NAME_LENGTH));

/** Epoch milliseconds as the wire's RFC 3339 (every surface's one spelling of a time). */
export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The fields API keys and service tokens share; they differ only in how they name their owner. */
export const credentialFields = (c: Credential) => ({
  id: c.id,
  created: isoOrNull(c.createdAt),
  name: c.name,
  preview_name: c.preview,
  org_id: c.orgId,
  expires_at: isoOrNull(c.expiresAt),
  last_used_at: isoOrNull(c.lastUsedAt),
  ...describePolicy(c.policy, c.creditsRemaining),
});

export function apiKeyToWire({ credential, owner }: OwnedCredential): ApiKey {
  return {
    ...credentialFields(credential),
    user_id: owner?.id ?? null,
    user_email: owner?.email ?? null,
    user_given_name: owner?.givenName ?? null,
    user_family_name: owner?.familyName ?? null,
  };
}
