import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AppPolicySchema } from "../access-policy-schemas";
import { accessErrorResponses, AppPolicyParams } from "../access-schema-kit";
import { appPolicyToWire } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getAppPolicyRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}",
  operationId: "access-policies-get-an-access-policy",
  tags: ["Access policies"],
  summary: "Get an application's policy",
  description: "Fetches one policy the application uses (its own, or a reusable one it links), with its precedence there.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppPolicyParams },
  responses: {
    200: { description: "The policy", content: { "application/json": { schema: envelope(AppPolicySchema) } } },
    ...accessErrorResponses,
  },
});

export type GetAppPolicyRequest = RouteRequest<typeof getAppPolicyRoute>;
export type GetAppPolicyResponse = RouteResponse<typeof getAppPolicyRoute>;

export const registerGetAppPolicy = (app: CloudflareApp) =>
  app.openapi(getAppPolicyRoute, async (c) => {
    const { app_id, policy_id } = c.req.valid("param");
    return c.json(ok(appPolicyToWire(await c.var.services.accessPolicies.getForApp(c.var.account, app_id, policy_id))), 200);
  });
