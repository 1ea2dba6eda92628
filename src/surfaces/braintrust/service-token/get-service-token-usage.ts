import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { CredentialUsageSchema, seriesInput, UsageQuerySchema, usageToWire } from "../../shared/usage";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";
import { ServiceTokenIdParams } from "./get-service-token";

export const getServiceTokenUsageRoute = createRoute({
  method: "get",
  path: "/service_token/{service_token_id}/usage",
  operationId: "getServiceTokenIdUsage",
  tags: ["ServiceTokens"],
  summary: "Get service_token usage",
  description:
    "edgekeys extension: a service token's requests by outcome, per minute (last 24 hours) or hour (last 30 days), read from its home (exact)",
  security: [{ bearerAuth: [] }],
  request: { params: ServiceTokenIdParams, query: UsageQuerySchema },
  responses: {
    200: { description: "The service token's usage", content: { "application/json": { schema: CredentialUsageSchema } } },
    ...errorResponses,
  },
});

export type GetServiceTokenUsageRequest = RouteRequest<typeof getServiceTokenUsageRoute>;
export type GetServiceTokenUsageResponse = RouteResponse<typeof getServiceTokenUsageRoute>;

export const registerGetServiceTokenUsage = (app: BraintrustApp) =>
  app.openapi(getServiceTokenUsageRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const { caller, services } = c.var;
    const found = await services.credentials.get({ id: service_token_id, kind: "service_token", visibleTo: caller.principal.id });
    const usage = await services.usage.series(found.credential, seriesInput(c.req.valid("query")));
    return c.json(usageToWire(found.credential.id, usage), 200);
  });
