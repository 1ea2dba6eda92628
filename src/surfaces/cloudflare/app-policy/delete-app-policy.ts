import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { accessErrorResponses, AppPolicyParams } from "../access-schema-kit";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteAppPolicyRoute = createRoute({
  method: "delete",
  path: "/accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}",
  operationId: "access-policies-delete-an-access-policy",
  tags: ["Access policies"],
  summary: "Delete an application's policy",
  description: "Deletes one of the application's own policies, or removes a reusable one from it (the reusable policy itself stays).",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppPolicyParams },
  responses: {
    202: { description: "The id of the policy", content: { "application/json": { schema: envelope(z.object({ id: z.uuid() })) } } },
    ...accessErrorResponses,
  },
});

export type DeleteAppPolicyRequest = RouteRequest<typeof deleteAppPolicyRoute>;
export type DeleteAppPolicyResponse = RouteResponse<typeof deleteAppPolicyRoute>;

export const registerDeleteAppPolicy = (app: CloudflareApp) =>
  app.openapi(deleteAppPolicyRoute, async (c) => {
    const { app_id, policy_id } = c.req.valid("param");
    return c.json(ok({ id: await c.var.services.accessPolicies.deleteForApp(c.var.account, app_id, policy_id) }), 202);
  });
