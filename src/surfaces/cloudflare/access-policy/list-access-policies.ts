import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { ReusablePolicySchema } from "../access-policy-schemas";
import { accessErrorResponses, pageOf, pageQuery, resultInfo, REUSABLE_POLICY_PER_PAGE } from "../access-schema-kit";
import { reusablePolicyToWire } from "../access-wire";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, ResultInfoSchema } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const listAccessPoliciesRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/policies",
  operationId: "access-policies-list-access-reusable-policies",
  tags: ["Access policies"],
  summary: "List reusable Access policies",
  description: "Lists the account's reusable policies, oldest first, one page at a time. A page past the end answers an empty `result`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, query: pageQuery(REUSABLE_POLICY_PER_PAGE) },
  responses: {
    200: {
      description: "One page of reusable policies",
      content: { "application/json": { schema: envelope(z.array(ReusablePolicySchema)).extend({ result_info: ResultInfoSchema }) } },
    },
    ...accessErrorResponses,
  },
});

export type ListAccessPoliciesRequest = RouteRequest<typeof listAccessPoliciesRoute>;
export type ListAccessPoliciesResponse = RouteResponse<typeof listAccessPoliciesRoute>;

export const registerListAccessPolicies = (app: CloudflareApp) =>
  app.openapi(listAccessPoliciesRoute, async (c) => {
    const { page, perPage } = pageOf(c.req.valid("query"), REUSABLE_POLICY_PER_PAGE);
    const { items, total } = await c.var.services.accessPolicies.listReusable(c.var.account, page, perPage);
    return c.json({ ...ok(items.map(reusablePolicyToWire)), result_info: resultInfo(page, perPage, items.length, total) }, 200);
  });
