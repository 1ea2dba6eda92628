import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { CLOUDFLARE_SECURITY, AccessServiceTokenSchema, envelope, errorResponses, TokenParams } from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteServiceTokenRoute = createRoute({
  method: "delete",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}",
  operationId: "access-service-tokens-delete-a-service-token",
  tags: ["Access service tokens"],
  summary: "Delete a service token",
  description: "Deletes a service token; both its secrets stop working at once.",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams },
  responses: {
    200: { description: "The deleted service token", content: { "application/json": { schema: envelope(AccessServiceTokenSchema) } } },
    ...errorResponses,
  },
});

export type DeleteServiceTokenRequest = RouteRequest<typeof deleteServiceTokenRoute>;
export type DeleteServiceTokenResponse = RouteResponse<typeof deleteServiceTokenRoute>;

export const registerDeleteServiceToken = (app: CloudflareApp) =>
  app.openapi(deleteServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    return c.json(ok(accessTokenToWire(await c.var.services.accessTokens.delete(c.var.account, service_token_id))), 200);
  });
