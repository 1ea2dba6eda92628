import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessAppSchema } from "../access-app-schemas";
import { accessErrorResponses, AppParams } from "../access-schema-kit";
import { appToWire } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getAccessAppRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/apps/{app_id}",
  operationId: "access-applications-get-an-access-application",
  tags: ["Access applications"],
  summary: "Get an Access application",
  description: "Fetches one application with its policies.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams },
  responses: {
    200: { description: "The application", content: { "application/json": { schema: envelope(AccessAppSchema) } } },
    ...accessErrorResponses,
  },
});

export type GetAccessAppRequest = RouteRequest<typeof getAccessAppRoute>;
export type GetAccessAppResponse = RouteResponse<typeof getAccessAppRoute>;

export const registerGetAccessApp = (app: CloudflareApp) =>
  app.openapi(getAccessAppRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    return c.json(ok(appToWire(await c.var.services.accessApps.get(c.var.account, app_id))), 200);
  });
