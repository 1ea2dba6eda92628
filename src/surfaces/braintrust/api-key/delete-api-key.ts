import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { ApiKeySchema, errorResponses } from "../schemas";
import { apiKeyToWire } from "../wire";
import { ApiKeyIdParams } from "./get-api-key";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteApiKeyRoute = createRoute({
  method: "delete",
  path: "/api_key/{api_key_id}",
  operationId: "deleteApiKeyId",
  tags: ["ApiKeys"],
  summary: "Delete api_key",
  description: "Delete one of the calling user's api_key objects by its id. The key stops authenticating at once",
  security: [{ bearerAuth: [] }],
  request: { params: ApiKeyIdParams },
  responses: {
    200: {
      description: "Returns the deleted api_key object",
      content: { "application/json": { schema: ApiKeySchema } },
    },
    ...errorResponses,
  },
});

export type DeleteApiKeyRequest = RouteRequest<typeof deleteApiKeyRoute>;
export type DeleteApiKeyResponse = RouteResponse<typeof deleteApiKeyRoute>;

export const registerDeleteApiKey = (app: BraintrustApp) =>
  app.openapi(deleteApiKeyRoute, async (c) => {
    const { api_key_id } = c.req.valid("param");
    const { caller, services } = c.var;
    // One's own keys, in whichever of one's orgs: the scope is the owner, and any role may delete them.
    const deleted = await services.credentials.delete({ id: api_key_id, kind: "api_key", principalId: caller.principal.id }, caller.role);
    return c.json(apiKeyToWire(deleted), 200);
  });
