import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AppPolicySchema, PolicyBodySchema } from "../access-policy-schemas";
import { accessErrorResponses, AppPolicyParams, precedenceConflictResponse } from "../access-schema-kit";
import { appPolicyToWire, policyInputOf } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const updateAppPolicyRoute = createRoute({
  method: "put",
  path: "/accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}",
  operationId: "access-policies-update-an-access-policy",
  tags: ["Access policies"],
  summary: "Update an application's policy",
  description:
    "Replaces one of the application's own policies whole (its precedence stays unless given). A reusable policy is changed under `/access/policies/{policy_id}`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppPolicyParams, body: { required: true, content: { "application/json": { schema: PolicyBodySchema } } } },
  responses: {
    200: { description: "The updated policy", content: { "application/json": { schema: envelope(AppPolicySchema) } } },
    ...accessErrorResponses,
    ...precedenceConflictResponse,
  },
});

export type UpdateAppPolicyRequest = RouteRequest<typeof updateAppPolicyRoute>;
export type UpdateAppPolicyResponse = RouteResponse<typeof updateAppPolicyRoute>;

export const registerUpdateAppPolicy = (app: CloudflareApp) =>
  app.openapi(updateAppPolicyRoute, async (c) => {
    const { app_id, policy_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const updated = await c.var.services.accessPolicies.updateForApp(
      c.var.account,
      app_id,
      policy_id,
      policyInputOf(body),
      body.precedence,
    );
    return c.json(ok(appPolicyToWire(updated)), 200);
  });
