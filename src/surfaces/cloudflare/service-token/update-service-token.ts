import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import {
  AccessServiceTokenSchema,
  DurationSchema,
  envelope,
  errorResponses,
  NameSchema,
  PreviousSecretExpiresAtSchema,
  SecretVersionSchema,
  TokenParams,
  CLOUDFLARE_SECURITY,
} from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import { PolicyInputFields, policyInput } from "../../shared/policy";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const UpdateBody = z
  .object({
    name: NameSchema.optional(),
    duration: DurationSchema.optional().openapi({ description: "A new duration; expires_at is reset to now plus it" }),
    enabled: z.boolean().optional(),
    client_secret_version: SecretVersionSchema.optional(),
    previous_client_secret_expires_at: PreviousSecretExpiresAtSchema.optional(),
    ...PolicyInputFields,
  })
  .openapi("UpdateAccessServiceToken");

export const updateServiceTokenRoute = createRoute({
  method: "put",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}",
  operationId: "access-service-tokens-update-a-service-token",
  tags: ["Access service tokens"],
  summary: "Update a service token",
  description:
    "Updates a configured service token; every field is optional. Raising `client_secret_version` rotates the secret and returns the new one as `client_secret`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams, body: { required: true, content: { "application/json": { schema: UpdateBody } } } },
  responses: {
    200: {
      description: "The updated service token (with `client_secret` when it was rotated)",
      content: {
        "application/json": { schema: envelope(AccessServiceTokenSchema.extend({ client_secret: z.string().optional() })) },
      },
    },
    ...errorResponses,
  },
});

export type UpdateServiceTokenRequest = RouteRequest<typeof updateServiceTokenRoute>;
export type UpdateServiceTokenResponse = RouteResponse<typeof updateServiceTokenRoute>;

export const registerUpdateServiceToken = (app: CloudflareApp) =>
  app.openapi(updateServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { credential, secret } = await c.var.services.accessTokens.update(
      c.var.account,
      service_token_id,
      {
        name: body.name,
        duration: body.duration,
        enabled: body.enabled,
        clientSecretVersion: body.client_secret_version,
        previousSecretExpiresAt:
          body.previous_client_secret_expires_at === undefined ? undefined : Date.parse(body.previous_client_secret_expires_at),
        policy: policyInput(body),
      },
      c.var.caller.credential.policy,
    );
    return c.json(ok({ ...accessTokenToWire(credential), ...(secret === null ? {} : { client_secret: secret }) }), 200);
  });
