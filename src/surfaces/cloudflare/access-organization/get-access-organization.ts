import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessOrganizationSchema, organizationToWire } from "../access-org-schemas";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, errorResponses } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getAccessOrganizationRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/organizations",
  operationId: "zero-trust-organization-get-your-zero-trust-organization",
  tags: ["Access organization"],
  summary: "Get your Zero Trust organization",
  description: "The account's organization settings. Any member may read them.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams },
  responses: {
    200: { description: "The organization", content: { "application/json": { schema: envelope(AccessOrganizationSchema) } } },
    ...errorResponses,
  },
});

export type GetAccessOrganizationRequest = RouteRequest<typeof getAccessOrganizationRoute>;
export type GetAccessOrganizationResponse = RouteResponse<typeof getAccessOrganizationRoute>;

export const registerGetAccessOrganization = (app: CloudflareApp) =>
  app.openapi(getAccessOrganizationRoute, async (c) =>
    c.json(ok(organizationToWire(await c.var.services.accessOrganization.get(c.var.account))), 200),
  );
