import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { PolicyBodySchema, ReusablePolicySchema } from "../access-policy-schemas";
import { accessErrorResponses, PolicyParams } from "../access-schema-kit";
import { policyInputOf, reusablePolicyToWire } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const updateAccessPolicyRoute = createRoute({
  method: "put",
  path: "/accounts/{account_id}/access/policies/{policy_id}",
  operationId: "access-policies-update-an-access-reusable-policy",
  tags: ["Access policies"],
  summary: "Update a reusable Access policy",
  description: "Replaces a reusable policy whole; every application linking it decides with the new rules at once.",
  security: CLOUDFLARE_SECURITY,
  request: { params: PolicyParams, body: { required: true, content: { "application/json": { schema: PolicyBodySchema } } } },
  responses: {
    200: { description: "The updated reusable policy", content: { "application/json": { schema: envelope(ReusablePolicySchema) } } },
    ...accessErrorResponses,
  },
});

export type UpdateAccessPolicyRequest = RouteRequest<typeof updateAccessPolicyRoute>;
export type UpdateAccessPolicyResponse = RouteResponse<typeof updateAccessPolicyRoute>;

export const registerUpdateAccessPolicy = (app: CloudflareApp) =>
  app.openapi(updateAccessPolicyRoute, async (c) => {
    const { policy_id } = c.req.valid("param");
    const updated = await c.var.services.accessPolicies.updateReusable(c.var.account, policy_id, policyInputOf(c.req.valid("json")));
    return c.json(ok(reusablePolicyToWire(updated)), 200);
  });
