import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { CreateServiceTokenBody, CreateServiceTokenOutputSchema, errorResponses } from "../schemas";
import { issueServiceToken } from "./issue-service-token";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const replaceServiceTokenRoute = createRoute({
  method: "put",
  path: "/service_token",
  operationId: "putServiceToken",
  tags: ["ServiceTokens"],
  summary: "Create or replace service_token",
  description:
    "Create or replace service_token. Every service_token of the org with the same name is replaced by a new one with the given fields: the old secrets stop working in the same transaction that makes the new one valid. Needs an org owner's credential",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: CreateServiceTokenBody } } } },
  responses: {
    200: {
      description: "Returns an object containing the new raw service token. This is the only time it will be exposed",
      content: { "application/json": { schema: CreateServiceTokenOutputSchema } },
    },
    ...errorResponses,
  },
});

export type ReplaceServiceTokenRequest = RouteRequest<typeof replaceServiceTokenRoute>;
export type ReplaceServiceTokenResponse = RouteResponse<typeof replaceServiceTokenRoute>;

export const registerReplaceServiceToken = (app: BraintrustApp) =>
  app.openapi(replaceServiceTokenRoute, async (c) => c.json(await issueServiceToken(c, c.req.valid("json"), "replace"), 200));
