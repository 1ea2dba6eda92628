import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import {
  AccessServiceTokenSchema,
  AccountParams,
  DEFAULT_PER_PAGE,
  envelope,
  errorResponses,
  MAX_PER_PAGE,
  pageQuery,
  ResultInfoSchema,
  CLOUDFLARE_SECURITY,
} from "../schemas";
import { accessTokenToWire, ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const ListQuery = pageQuery(DEFAULT_PER_PAGE).extend({
  name: z.string().max(256).optional().openapi({ description: "The name of the service token (exact match)" }),
  search: z.string().max(256).optional().openapi({ description: "Substring of the name (case-insensitive)" }),
  expires_before: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: "edgekeys extension: only tokens that expire before this time (RFC 3339)" }),
});

export const listServiceTokensRoute = createRoute({
  method: "get",
  path: "/accounts/{account_id}/access/service_tokens",
  operationId: "access-service-tokens-list-service-tokens",
  tags: ["Access service tokens"],
  summary: "List service tokens",
  description: "Lists the account's service tokens, oldest first, one page at a time. A page past the end answers an empty `result`.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AccountParams, query: ListQuery },
  responses: {
    200: {
      description: "One page of service tokens",
      content: {
        "application/json": {
          schema: envelope(z.array(AccessServiceTokenSchema)).extend({ result_info: ResultInfoSchema }),
        },
      },
    },
    ...errorResponses,
  },
});

export type ListServiceTokensRequest = RouteRequest<typeof listServiceTokensRoute>;
export type ListServiceTokensResponse = RouteResponse<typeof listServiceTokensRoute>;

export const registerListServiceTokens = (app: CloudflareApp) =>
  app.openapi(listServiceTokensRoute, async (c) => {
    const q = c.req.valid("query");
    const page = q.page ?? 1;
    const perPage = Math.min(q.per_page ?? DEFAULT_PER_PAGE, MAX_PER_PAGE);
    const { items, total } = await c.var.services.accessTokens.list(c.var.account, {
      name: q.name,
      search: q.search,
      expiresBefore: q.expires_before === undefined ? undefined : Date.parse(q.expires_before),
      page,
      perPage,
    });
    return c.json(
      {
        ...ok(items.map(accessTokenToWire)),
        result_info: { page, per_page: perPage, count: items.length, total_count: total, total_pages: Math.ceil(total / perPage) },
      },
      200,
    );
  });
