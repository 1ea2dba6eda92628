import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AppPolicySchema, PolicyBodySchema } from "../access-policy-schemas";
import { accessErrorResponses, AppParams, precedenceConflictResponse } from "../access-schema-kit";
import { appPolicyToWire, policyInputOf } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createAppPolicyRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/apps/{app_id}/policies",
  operationId: "access-policies-create-an-access-policy",
  tags: ["Access policies"],
  summary: "Create an application's policy",
  description:
    "Creates a policy owned by this application, at `precedence` (default: after the last). An application that links reusable policies takes no policies of its own.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams, body: { required: true, content: { "application/json": { schema: PolicyBodySchema } } } },
  responses: {
    201: { description: "The new policy, with its precedence", content: { "application/json": { schema: envelope(AppPolicySchema) } } },
    ...accessErrorResponses,
    ...precedenceConflictResponse,
  },
});

export type CreateAppPolicyRequest = RouteRequest<typeof createAppPolicyRoute>;
export type CreateAppPolicyResponse = RouteResponse<typeof createAppPolicyRoute>;

export const registerCreateAppPolicy = (app: CloudflareApp) =>
  app.openapi(createAppPolicyRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const created = await c.var.services.accessPolicies.createForApp(c.var.account, app_id, policyInputOf(body), body.precedence);
    return c.json(ok(appPolicyToWire(created)), 201);
  });
