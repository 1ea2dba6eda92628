import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { CredentialUsageSchema, seriesInput, UsageQuerySchema, usageToWire } from "../../shared/usage";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";
import { ApiKeyIdParams } from "./get-api-key";

export const getApiKeyUsageRoute = createRoute({
  method: "get",
  path: "/api_key/{api_key_id}/usage",
  operationId: "getApiKeyIdUsage",
  tags: ["ApiKeys"],
  summary: "Get api_key usage",
  description:
    "edgekeys extension: one of the calling user's API keys' requests by outcome, per minute (last 24 hours) or hour (last 30 days), read from its home (exact)",
  security: [{ bearerAuth: [] }],
  request: { params: ApiKeyIdParams, query: UsageQuerySchema },
  responses: {
    200: { description: "The key's usage", content: { "application/json": { schema: CredentialUsageSchema } } },
    ...errorResponses,
  },
});

export type GetApiKeyUsageRequest = RouteRequest<typeof getApiKeyUsageRoute>;
export type GetApiKeyUsageResponse = RouteResponse<typeof getApiKeyUsageRoute>;

export const registerGetApiKeyUsage = (app: BraintrustApp) =>
  app.openapi(getApiKeyUsageRoute, async (c) => {
    const { api_key_id } = c.req.valid("param");
    const { caller, services } = c.var;
    const found = await services.credentials.get({ id: api_key_id, kind: "api_key", principalId: caller.principal.id });
    const usage = await services.usage.series(found.credential, seriesInput(c.req.valid("query")));
    return c.json(usageToWire(found.credential.id, usage), 200);
  });
