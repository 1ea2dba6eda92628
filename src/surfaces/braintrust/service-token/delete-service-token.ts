import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../../http/app-env";
import type { BraintrustApp } from "../app-type";
import { errorResponses, ServiceTokenSchema } from "../schemas";
import { serviceTokenToWire } from "../wire";
import { ServiceTokenIdParams } from "./get-service-token";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

/** Deletes a token the caller can see, if the caller owns the token's org; shared with the body-addressed DELETE. */
export async function deleteServiceToken(c: Context<AppEnv>, id: string) {
  const { caller, services } = c.var;
  const found = await services.credentials.get({ id, kind: "service_token", visibleTo: caller.principal.id });
  const role = (await services.orgs.roleIn(caller, found.credential.orgId)) ?? "member";
  const deleted = await services.credentials.delete({ id, kind: "service_token", orgId: found.credential.orgId }, role);
  return serviceTokenToWire(deleted);
}

export const deleteServiceTokenRoute = createRoute({
  method: "delete",
  path: "/service_token/{service_token_id}",
  operationId: "deleteServiceTokenId",
  tags: ["ServiceTokens"],
  summary: "Delete service_token",
  description: "Delete a service_token by its id. It stops authenticating at once. Needs an org owner's credential",
  security: [{ bearerAuth: [] }],
  request: { params: ServiceTokenIdParams },
  responses: {
    200: {
      description: "Returns the deleted service_token object",
      content: { "application/json": { schema: ServiceTokenSchema } },
    },
    ...errorResponses,
  },
});

export type DeleteServiceTokenRequest = RouteRequest<typeof deleteServiceTokenRoute>;
export type DeleteServiceTokenResponse = RouteResponse<typeof deleteServiceTokenRoute>;

export const registerDeleteServiceToken = (app: BraintrustApp) =>
  app.openapi(deleteServiceTokenRoute, async (c) => c.json(await deleteServiceToken(c, c.req.valid("param").service_token_id), 200));
