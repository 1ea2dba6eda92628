import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { CLOUDFLARE_SECURITY, AccessServiceTokenSchema, envelope, errorResponses, TokenParams } from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getServiceTokenRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}",
  operationId: "access-service-tokens-get-a-service-token",
  tags: ["Access service tokens"],
  summary: "Get a service token",
  description: "Fetches a single service token.",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams },
  responses: {
    200: { description: "The service token", content: { "application/json": { schema: envelope(AccessServiceTokenSchema) } } },
    ...errorResponses,
  },
});

export type GetServiceTokenRequest = RouteRequest<typeof getServiceTokenRoute>;
export type GetServiceTokenResponse = RouteResponse<typeof getServiceTokenRoute>;

export const registerGetServiceToken = (app: CloudflareApp) =>
  app.openapi(getServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const token = await c.var.services.accessTokens.get(c.var.account, service_token_id);
    // last_seen_at and the credits left as the token's home knows them now (D1's copy lags by up to a report).
    return c.json(ok(accessTokenToWire(await c.var.services.usage.live(token))), 200);
  });
