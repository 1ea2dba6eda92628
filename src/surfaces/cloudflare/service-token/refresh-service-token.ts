import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { CLOUDFLARE_SECURITY, AccessServiceTokenSchema, envelope, errorResponses, TokenParams } from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const refreshServiceTokenRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}/refresh",
  operationId: "access-service-tokens-refresh-a-service-token",
  tags: ["Access service tokens"],
  summary: "Refresh a service token",
  description: "Extends the expiration of a service token by its duration from now; the secret stays the same. Takes no body.",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams },
  responses: {
    200: { description: "The refreshed service token", content: { "application/json": { schema: envelope(AccessServiceTokenSchema) } } },
    ...errorResponses,
  },
});

export type RefreshServiceTokenRequest = RouteRequest<typeof refreshServiceTokenRoute>;
export type RefreshServiceTokenResponse = RouteResponse<typeof refreshServiceTokenRoute>;

export const registerRefreshServiceToken = (app: CloudflareApp) =>
  app.openapi(refreshServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    return c.json(ok(accessTokenToWire(await c.var.services.accessTokens.refresh(c.var.account, service_token_id))), 200);
  });
