import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessAppSchema, AppBodySchema } from "../access-app-schemas";
import { accessErrorResponses, appConflictResponse } from "../access-schema-kit";
import { appInputOf, appToWire } from "../access-wire";
import { AccountParams, CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createAccessAppRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/apps",
  operationId: "access-applications-add-an-application",
  tags: ["Access applications"],
  summary: "Add an Access application",
  description:
    "Adds a self-hosted application guarding `domain` (and its `public` destinations), with its policies: reusable ones by id, or inline ones it owns. A host and path belongs to one application across the installation.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: AppBodySchema } } } },
  responses: {
    201: { description: "The new application, with its AUD tag", content: { "application/json": { schema: envelope(AccessAppSchema) } } },
    ...accessErrorResponses,
    ...appConflictResponse,
  },
});

export type CreateAccessAppRequest = RouteRequest<typeof createAccessAppRoute>;
export type CreateAccessAppResponse = RouteResponse<typeof createAccessAppRoute>;

export const registerCreateAccessApp = (app: CloudflareApp) =>
  app.openapi(createAccessAppRoute, async (c) => {
    const created = await c.var.services.accessApps.create(c.var.account, appInputOf(c.req.valid("json")));
    return c.json(ok(appToWire(created)), 201);
  });
