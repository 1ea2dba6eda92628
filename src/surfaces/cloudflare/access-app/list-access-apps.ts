import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { AccessAppSchema } from "../access-app-schemas";
import { accessErrorResponses, APP_PER_PAGE, pageOf, pageQuery, resultInfo } from "../access-schema-kit";
import { appToWire } from "../access-wire";
import { AccountParams, CLOUDFLARE_SECURITY, envelope, ResultInfoSchema } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const filter = (description: string) => z.string().max(1024).optional().openapi({ description });

const ListQuery = pageQuery(APP_PER_PAGE).extend({
  name: filter("The name of the application (a case-insensitive substring, or exact with `exact=true`)"),
  domain: filter("The domain of the application (a case-insensitive substring, or exact with `exact=true`)"),
  aud: z.string().max(64).optional().openapi({ description: "The AUD tag of the application" }),
  search: filter("A case-insensitive substring of the name or the domain"),
  exact: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true")
    .openapi({ description: "Match `name` and `domain` exactly" }),
});

export const listAccessAppsRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/apps",
  operationId: "access-applications-list-access-applications",
  tags: ["Access applications"],
  summary: "List Access applications",
  description: "Lists the account's applications, oldest first, one page at a time. A page past the end answers an empty `result`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, query: ListQuery },
  responses: {
    200: {
      description: "One page of applications",
      content: { "application/json": { schema: envelope(z.array(AccessAppSchema)).extend({ result_info: ResultInfoSchema }) } },
    },
    ...accessErrorResponses,
  },
});

export type ListAccessAppsRequest = RouteRequest<typeof listAccessAppsRoute>;
export type ListAccessAppsResponse = RouteResponse<typeof listAccessAppsRoute>;

export const registerListAccessApps = (app: CloudflareApp) =>
  app.openapi(listAccessAppsRoute, async (c) => {
    const q = c.req.valid("query");
    const { page, perPage } = pageOf(q, APP_PER_PAGE);
    const { items, total } = await c.var.services.accessApps.list(c.var.account, {
      name: q.name,
      domain: q.domain,
      aud: q.aud,
      search: q.search,
      exact: q.exact,
      page,
      perPage,
    });
    return c.json({ ...ok(items.map(appToWire)), result_info: resultInfo(page, perPage, items.length, total) }, 200);
  });
