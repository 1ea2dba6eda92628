import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AppPolicySchema } from "../access-policy-schemas";
import { accessErrorResponses, APP_POLICY_PER_PAGE, AppParams, pageOf, pageQuery, resultInfo } from "../access-schema-kit";
import { appPolicyToWire, pageSlice } from "../access-wire";
import { CLOUDFLARE_SECURITY, envelope, ResultInfoSchema } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const listAppPoliciesRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/apps/{app_id}/policies",
  operationId: "access-policies-list-access-app-policies",
  tags: ["Access policies"],
  summary: "List an application's policies",
  description:
    "Lists the policies the application uses (its own and the reusable ones it links), in ascending precedence, one page at a time. A page past the end answers an empty `result`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams, query: pageQuery(APP_POLICY_PER_PAGE) },
  responses: {
    200: {
      description: "One page of the application's policies",
      content: { "application/json": { schema: envelope(z.array(AppPolicySchema)).extend({ result_info: ResultInfoSchema }) } },
    },
    ...accessErrorResponses,
  },
});

export type ListAppPoliciesRequest = RouteRequest<typeof listAppPoliciesRoute>;
export type ListAppPoliciesResponse = RouteResponse<typeof listAppPoliciesRoute>;

export const registerListAppPolicies = (app: CloudflareApp) =>
  app.openapi(listAppPoliciesRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    const { page, perPage } = pageOf(c.req.valid("query"), APP_POLICY_PER_PAGE);
    // All of one application's policies in one read: a handful, paged here.
    const all = await c.var.services.accessPolicies.listForApp(c.var.account, app_id);
    const items = pageSlice(all, page, perPage);
    return c.json({ ...ok(items.map(appPolicyToWire)), result_info: resultInfo(page, perPage, items.length, all.length) }, 200);
  });
