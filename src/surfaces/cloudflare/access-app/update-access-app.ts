import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessAppSchema, AppBodySchema } from "../access-app-schemas";
import { accessErrorResponses, AppParams, appConflictResponse } from "../access-schema-kit";
import { appInputOf, appToWire } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const updateAccessAppRoute = createRoute({
  method: "put",
  path: "/accounts/{account_id}/access/apps/{app_id}",
  operationId: "access-applications-update-an-access-application",
  tags: ["Access applications"],
  summary: "Update an Access application",
  description:
    "Replaces an application whole: send every field to keep. `policies`, when given, replaces its policies (inline ones left out are deleted); when absent they stay. The AUD tag never changes.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams, body: { required: true, content: { "application/json": { schema: AppBodySchema } } } },
  responses: {
    200: { description: "The updated application", content: { "application/json": { schema: envelope(AccessAppSchema) } } },
    ...accessErrorResponses,
    ...appConflictResponse,
  },
});

export type UpdateAccessAppRequest = RouteRequest<typeof updateAccessAppRoute>;
export type UpdateAccessAppResponse = RouteResponse<typeof updateAccessAppRoute>;

export const registerUpdateAccessApp = (app: CloudflareApp) =>
  app.openapi(updateAccessAppRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    const updated = await c.var.services.accessApps.update(c.var.account, app_id, appInputOf(c.req.valid("json")));
    return c.json(ok(appToWire(updated)), 200);
  });
