import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { CreateServiceTokenBody, CreateServiceTokenOutputSchema, errorResponses } from "../schemas";
import { issueServiceToken } from "./issue-service-token";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createServiceTokenRoute = createRoute({
  method: "post",
  path: "/service_token",
  operationId: "postServiceToken",
  tags: ["ServiceTokens"],
  summary: "Create service_token",
  description:
    "Create a new service_token for a service account of the org. Names need not be unique. Needs an org owner's credential (a user API key or a service token)",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: CreateServiceTokenBody } } } },
  responses: {
    200: {
      description: "Returns an object containing the raw service token. This is the only time it will be exposed",
      content: { "application/json": { schema: CreateServiceTokenOutputSchema } },
    },
    ...errorResponses,
  },
});

export type CreateServiceTokenRequest = RouteRequest<typeof createServiceTokenRoute>;
export type CreateServiceTokenResponse = RouteResponse<typeof createServiceTokenRoute>;

export const registerCreateServiceToken = (app: BraintrustApp) =>
  app.openapi(createServiceTokenRoute, async (c) => c.json(await issueServiceToken(c, c.req.valid("json"), "create"), 200));
