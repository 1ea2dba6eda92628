import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses, ServiceTokenSchema } from "../schemas";
import { deleteServiceToken } from "./delete-service-token";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const DeleteServiceTokenBody = z
  .object({ id: z.uuid().openapi({ description: "Unique identifier for the service token" }) })
  .openapi("DeleteServiceToken");

export const deleteServiceTokenByBodyRoute = createRoute({
  method: "delete",
  path: "/service_token",
  operationId: "deleteServiceToken",
  tags: ["ServiceTokens"],
  summary: "Delete single service_token",
  description: "Delete the service_token whose id is given in the body. Needs an org owner's credential",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: DeleteServiceTokenBody } } } },
  responses: {
    200: {
      description: "Returns the deleted service_token object",
      content: { "application/json": { schema: ServiceTokenSchema } },
    },
    ...errorResponses,
  },
});

export type DeleteServiceTokenByBodyRequest = RouteRequest<typeof deleteServiceTokenByBodyRoute>;
export type DeleteServiceTokenByBodyResponse = RouteResponse<typeof deleteServiceTokenByBodyRoute>;

export const registerDeleteServiceTokenByBody = (app: BraintrustApp) =>
  app.openapi(deleteServiceTokenByBodyRoute, async (c) => c.json(await deleteServiceToken(c, c.req.valid("json").id), 200));
