import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { CLOUDFLARE_SECURITY, envelope, errorResponses, TokenParams } from "../schemas";
import { ok } from "../wire";
import { CredentialUsageSchema, seriesInput, UsageQuerySchema, usageToWire } from "../../shared/usage";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getServiceTokenUsageRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/service_tokens/{service_token_id}/usage",
  operationId: "edgekeys-access-service-tokens-get-usage",
  tags: ["Access service tokens"],
  summary: "Get a service token's usage (edgekeys extension)",
  description:
    "The service token's requests by outcome, per minute (last 24 hours) or hour (last 30 days), read from its home (exact). Not part of Cloudflare's API.",
  security: CLOUDFLARE_SECURITY,
  request: { params: TokenParams, query: UsageQuerySchema },
  responses: {
    200: { description: "The token's usage", content: { "application/json": { schema: envelope(CredentialUsageSchema) } } },
    ...errorResponses,
  },
});

export type GetServiceTokenUsageRequest = RouteRequest<typeof getServiceTokenUsageRoute>;
export type GetServiceTokenUsageResponse = RouteResponse<typeof getServiceTokenUsageRoute>;

export const registerGetServiceTokenUsage = (app: CloudflareApp) =>
  app.openapi(getServiceTokenUsageRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const token = await c.var.services.accessTokens.get(c.var.account, service_token_id);
    const usage = await c.var.services.usage.series(token, seriesInput(c.req.valid("query")));
    return c.json(ok(usageToWire(token.id, usage)), 200);
  });
