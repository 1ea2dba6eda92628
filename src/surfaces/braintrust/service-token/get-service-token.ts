import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses, ServiceTokenSchema } from "../schemas";
import { serviceTokenToWire } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const ServiceTokenIdParams = z.object({
  service_token_id: z.uuid().openapi({ param: { name: "service_token_id", in: "path" }, description: "ServiceToken id" }),
});

export const getServiceTokenRoute = createRoute({
  method: "get",
  path: "/service_token/{service_token_id}",
  operationId: "getServiceTokenId",
  tags: ["ServiceTokens"],
  summary: "Get service_token",
  description: "Get a service_token object of one of the caller's orgs by its id",
  security: [{ bearerAuth: [] }],
  request: { params: ServiceTokenIdParams },
  responses: {
    200: { description: "Returns the service_token object", content: { "application/json": { schema: ServiceTokenSchema } } },
    ...errorResponses,
  },
});

export type GetServiceTokenRequest = RouteRequest<typeof getServiceTokenRoute>;
export type GetServiceTokenResponse = RouteResponse<typeof getServiceTokenRoute>;

export const registerGetServiceToken = (app: BraintrustApp) =>
  app.openapi(getServiceTokenRoute, async (c) => {
    const { service_token_id } = c.req.valid("param");
    const { caller, services } = c.var;
    const found = await services.credentials.get({ id: service_token_id, kind: "service_token", visibleTo: caller.principal.id });
    // The last use and credits left as the token's home knows them now (D1's copy lags by up to a report).
    return c.json(serviceTokenToWire({ ...found, credential: await services.usage.live(found.credential) }), 200);
  });
