import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { PolicyBodySchema, ReusablePolicySchema } from "../access-policy-schemas";
import { accessErrorResponses } from "../access-schema-kit";
import { policyInputOf, reusablePolicyToWire } from "../access-wire";
import { AccountParams, CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createAccessPolicyRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/policies",
  operationId: "access-policies-create-an-access-reusable-policy",
  tags: ["Access policies"],
  summary: "Create a reusable Access policy",
  description: "Creates a reusable policy, which applications then link by id. `precedence` is ignored: it belongs to each link.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, body: { required: true, content: { "application/json": { schema: PolicyBodySchema } } } },
  responses: {
    201: { description: "The new reusable policy", content: { "application/json": { schema: envelope(ReusablePolicySchema) } } },
    ...accessErrorResponses,
  },
});

export type CreateAccessPolicyRequest = RouteRequest<typeof createAccessPolicyRoute>;
export type CreateAccessPolicyResponse = RouteResponse<typeof createAccessPolicyRoute>;

export const registerCreateAccessPolicy = (app: CloudflareApp) =>
  app.openapi(createAccessPolicyRoute, async (c) => {
    const created = await c.var.services.accessPolicies.createReusable(c.var.account, policyInputOf(c.req.valid("json")));
    return c.json(ok(reusablePolicyToWire(created)), 201);
  });
