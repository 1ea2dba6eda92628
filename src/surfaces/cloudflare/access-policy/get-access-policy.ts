import { createRoute } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { ReusablePolicySchema } from "../access-policy-schemas";
import { accessErrorResponses, PolicyParams } from "../access-schema-kit";
import { reusablePolicyToWire } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getAccessPolicyRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/policies/{policy_id}",
  operationId: "access-policies-get-an-access-reusable-policy",
  tags: ["Access policies"],
  summary: "Get a reusable Access policy",
  description:
    "Fetches one reusable policy, with the number of applications using it. An app-scoped policy is found under its application.",
  security: CLOUDFLARE_SECURITY,
  request: { params: PolicyParams },
  responses: {
    200: { description: "The reusable policy", content: { "application/json": { schema: envelope(ReusablePolicySchema) } } },
    ...accessErrorResponses,
  },
});

export type GetAccessPolicyRequest = RouteRequest<typeof getAccessPolicyRoute>;
export type GetAccessPolicyResponse = RouteResponse<typeof getAccessPolicyRoute>;

export const registerGetAccessPolicy = (app: CloudflareApp) =>
  app.openapi(getAccessPolicyRoute, async (c) => {
    const { policy_id } = c.req.valid("param");
    return c.json(ok(reusablePolicyToWire(await c.var.services.accessPolicies.getReusable(c.var.account, policy_id))), 200);
  });
