import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessOrganizationSchema, OrganizationBodySchema, organizationToWire } from "../access-org-schemas";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, errorResponses } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const updateAccessOrganizationRoute = createRoute({
  method: "put",
  path: "/accounts/{account_id}/access/organizations",
  operationId: "zero-trust-organization-update-your-zero-trust-organization",
  tags: ["Access organization"],
  summary: "Update your Zero Trust organization",
  description:
    "Updates the organization, as Access's PUT does: only the fields given. Owners only; audited. Fields given replace theirs (`service_token_inactivity` member by member), fields left out stay.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: OrganizationBodySchema } } } },
  responses: {
    200: { description: "The organization", content: { "application/json": { schema: envelope(AccessOrganizationSchema) } } },
    ...errorResponses,
  },
});

export type UpdateAccessOrganizationRequest = RouteRequest<typeof updateAccessOrganizationRoute>;
export type UpdateAccessOrganizationResponse = RouteResponse<typeof updateAccessOrganizationRoute>;

export const registerUpdateAccessOrganization = (app: CloudflareApp) =>
  app.openapi(updateAccessOrganizationRoute, async (c) => {
    const org = await c.var.services.accessOrganization.change(c.var.account, c.req.valid("json"));
    return c.json(ok(organizationToWire(org)), 200);
  });
