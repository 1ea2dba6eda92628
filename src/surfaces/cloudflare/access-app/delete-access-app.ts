import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { accessErrorResponses, AppParams } from "../access-schema-kit";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteAccessAppRoute = createRoute({
  method: "delete",
  path: "/accounts/{account_id}/access/apps/{app_id}",
  operationId: "access-applications-delete-an-access-application",
  tags: ["Access applications"],
  summary: "Delete an Access application",
  description: "Deletes an application with its own policies (reusable ones it linked stay); its hosts and paths are no longer guarded.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams },
  responses: {
    202: {
      description: "The id of the deleted application",
      content: { "application/json": { schema: envelope(z.object({ id: z.uuid() })) } },
    },
    ...accessErrorResponses,
  },
});

export type DeleteAccessAppRequest = RouteRequest<typeof deleteAccessAppRoute>;
export type DeleteAccessAppResponse = RouteResponse<typeof deleteAccessAppRoute>;

export const registerDeleteAccessApp = (app: CloudflareApp) =>
  app.openapi(deleteAccessAppRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    return c.json(ok({ id: await c.var.services.accessApps.delete(c.var.account, app_id) }), 202);
  });
