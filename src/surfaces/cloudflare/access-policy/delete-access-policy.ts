import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { accessErrorResponses, PolicyParams } from "../access-schema-kit";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteAccessPolicyRoute = createRoute({
  method: "delete",
  path: "/accounts/{account_id}/access/policies/{policy_id}",
  operationId: "access-policies-delete-an-access-reusable-policy",
  tags: ["Access policies"],
  summary: "Delete a reusable Access policy",
  description: "Deletes a reusable policy and removes it from every application that links it.",
  security: CLOUDFLARE_SECURITY,
  request: { params: PolicyParams },
  responses: {
    202: { description: "The id of the deleted policy", content: { "application/json": { schema: envelope(z.object({ id: z.uuid() })) } } },
    ...accessErrorResponses,
  },
});

export type DeleteAccessPolicyRequest = RouteRequest<typeof deleteAccessPolicyRoute>;
export type DeleteAccessPolicyResponse = RouteResponse<typeof deleteAccessPolicyRoute>;

export const registerDeleteAccessPolicy = (app: CloudflareApp) =>
  app.openapi(deleteAccessPolicyRoute, async (c) => {
    const { policy_id } = c.req.valid("param");
    return c.json(ok({ id: await c.var.services.accessPolicies.deleteReusable(c.var.account, policy_id) }), 202);
  });
