import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessOrganizationSchema, OrganizationBodySchema, organizationToWire } from "../access-org-schemas";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, errorResponses } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createAccessOrganizationRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/organizations",
  operationId: "zero-trust-organization-create-your-zero-trust-organization",
  tags: ["Access organization"],
  summary: "Create your Zero Trust organization",
  description:
    "Every account has its organization already: this sets the fields given, as PUT does, and answers 201. Owners only; audited. Fields given replace theirs (`service_token_inactivity` member by member), fields left out stay.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: OrganizationBodySchema } } } },
  responses: {
    201: { description: "The organization", content: { "application/json": { schema: envelope(AccessOrganizationSchema) } } },
    ...errorResponses,
  },
});

export type CreateAccessOrganizationRequest = RouteRequest<typeof createAccessOrganizationRoute>;
export type CreateAccessOrganizationResponse = RouteResponse<typeof createAccessOrganizationRoute>;

export const registerCreateAccessOrganization = (app: CloudflareApp) =>
  app.openapi(createAccessOrganizationRoute, async (c) => {
    const org = await c.var.services.accessOrganization.change(c.var.account, c.req.valid("json"));
    return c.json(ok(organizationToWire(org)), 201);
  });
