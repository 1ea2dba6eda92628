import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import {
  AccessServiceTokenWithSecretSchema,
  AccountParams,
  DurationSchema,
  envelope,
  errorResponses,
  NameSchema,
  PreviousSecretExpiresAtSchema,
  SecretVersionSchema,
  CLOUDFLARE_SECURITY,
} from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import { PolicyInputFields, policyInput } from "../../shared/policy";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const CreateBody = z
  .object({
    name: NameSchema,
    duration: DurationSchema.optional(),
    client_secret_version: SecretVersionSchema.optional(),
    previous_client_secret_expires_at: PreviousSecretExpiresAtSchema.optional().openapi({
      description: "Accepted for compatibility; a new token has no previous secret",
    }),
    enabled: z.boolean().optional().openapi({ description: "Defaults to true" }),
    ...PolicyInputFields,
  })
  .openapi("CreateAccessServiceToken");

export const createServiceTokenRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/service_tokens",
  operationId: "access-service-tokens-create-a-service-token",
  tags: ["Access service tokens"],
  summary: "Create a service token",
  description:
    "Generates a new service token. **Note:** This is the only time you can get the Client Secret. If you lose it, rotate the secret or create a new service token.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: CreateBody } } } },
  responses: {
    201: {
      description: "The new service token with its client secret",
      content: { "application/json": { schema: envelope(AccessServiceTokenWithSecretSchema) } },
    },
    ...errorResponses,
  },
});

export type CreateServiceTokenRequest = RouteRequest<typeof createServiceTokenRoute>;
export type CreateServiceTokenResponse = RouteResponse<typeof createServiceTokenRoute>;

export const registerCreateServiceToken = (app: CloudflareApp) =>
  app.openapi(createServiceTokenRoute, async (c) => {
    const body = c.req.valid("json");
    const { credential, secret } = await c.var.services.accessTokens.create(
      c.var.account,
      {
        name: body.name,
        duration: body.duration,
        enabled: body.enabled,
        clientSecretVersion: body.client_secret_version,
        policy: policyInput(body),
      },
      c.var.caller.credential.policy,
    );
    return c.json(ok({ ...accessTokenToWire(credential), client_secret: secret }), 201);
  });
