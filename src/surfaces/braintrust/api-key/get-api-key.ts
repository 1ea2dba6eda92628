import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { ApiKeySchema, errorResponses } from "../schemas";
import { apiKeyToWire } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const ApiKeyIdParams = z.object({
  api_key_id: z.uuid().openapi({ param: { name: "api_key_id", in: "path" }, description: "ApiKey id" }),
});

export const getApiKeyRoute = createRoute({
  method: "get",
  path: "/api_key/{api_key_id}",
  operationId: "getApiKeyId",
  tags: ["ApiKeys"],
  summary: "Get api_key",
  description: "Get one of the calling user's api_key objects by its id",
  security: [{ bearerAuth: [] }],
  request: { params: ApiKeyIdParams },
  responses: {
    200: { description: "Returns the api_key object", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses,
  },
});

export type GetApiKeyRequest = RouteRequest<typeof getApiKeyRoute>;
export type GetApiKeyResponse = RouteResponse<typeof getApiKeyRoute>;

export const registerGetApiKey = (app: BraintrustApp) =>
  app.openapi(getApiKeyRoute, async (c) => {
    const { api_key_id } = c.req.valid("param");
    const { caller, services } = c.var;
    const found = await services.credentials.get({ id: api_key_id, kind: "api_key", principalId: caller.principal.id });
    // The last use and credits left as the key's home knows them now (D1's copy lags by up to a report).
    return c.json(apiKeyToWire({ ...found, credential: await services.usage.live(found.credential) }), 200);
  });
