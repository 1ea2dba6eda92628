import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessOrganizationSchema, OrganizationBodySchema, organizationToWire } from "../access-org-schemas";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, errorResponses } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const patchAccessOrganizationRoute = createRoute({
  method: "patch",
  path: "/accounts/{account_id}/access/organizations",
  operationId: "zero-trust-organization-patch-your-zero-trust-organization",
  tags: ["Access organization"],
  summary: "Change settings of your Zero Trust organization",
  description:
    "The form Access's documentation uses for single settings (`strict_service_token_auth`, `service_token_inactivity`). Owners only; audited. Fields given replace theirs (`service_token_inactivity` member by member), fields left out stay.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: OrganizationBodySchema } } } },
  responses: {
    200: { description: "The organization", content: { "application/json": { schema: envelope(AccessOrganizationSchema) } } },
    ...errorResponses,
  },
});

export type PatchAccessOrganizationRequest = RouteRequest<typeof patchAccessOrganizationRoute>;
export type PatchAccessOrganizationResponse = RouteResponse<typeof patchAccessOrganizationRoute>;

export const registerPatchAccessOrganization = (app: CloudflareApp) =>
  app.openapi(patchAccessOrganizationRoute, async (c) => {
    const org = await c.var.services.accessOrganization.change(c.var.account, c.req.valid("json"));
    return c.json(ok(organizationToWire(org)), 200);
  });
