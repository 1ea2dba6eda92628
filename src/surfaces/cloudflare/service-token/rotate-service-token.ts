import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import {
  CLOUDFLARE_SECURITY,
  AccessServiceTokenWithSecretSchema,
  envelope,
  errorResponses,
  PreviousSecretExpiresAtSchema,
  TokenParams,
} from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const RotateBody = z
  .object({
    previous_client_secret_expires_at: PreviousSecretExpiresAtSchema.optional().openapi({
      description: "Until when the previous secret keeps working. Without it the previous secret dies at once",
    }),
  })
  .openapi("RotateAccessServiceToken");

export const rotateServiceTokenRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}/rotate",
  operationId: "access-service-tokens-rotate-a-service-token",
  tags: ["Access service tokens"],
  summary: "Rotate a service token",
  description:
    "Generates a new Client Secret for a service token under the same client id, and revokes the old one (at once, or at `previous_client_secret_expires_at`).",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams, body: { required: false, content: { "application/json": { schema: RotateBody } } } },
  responses: {
    200: {
      description: "The service token with its new client secret",
      content: { "application/json": { schema: envelope(AccessServiceTokenWithSecretSchema) } },
    },
    ...errorResponses,
  },
});

export type RotateServiceTokenRequest = RouteRequest<typeof rotateServiceTokenRoute>;
export type RotateServiceTokenResponse = RouteResponse<typeof rotateServiceTokenRoute>;

export const registerRotateServiceToken = (app: CloudflareApp) =>
  app.openapi(rotateServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const until = c.req.valid("json")?.previous_client_secret_expires_at;
    const { credential, secret } = await c.var.services.accessTokens.rotate(
      c.var.account,
      service_token_id,
      until === undefined ? null : Date.parse(until),
    );
    return c.json(ok({ ...accessTokenToWire(credential), client_secret: secret! }), 200);
  });
