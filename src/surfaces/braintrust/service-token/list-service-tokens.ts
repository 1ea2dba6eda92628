import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { expiresBeforeParam, listParams, oneCursor, pageSize } from "../pagination";
import { errorResponses, listOf, ServiceTokenSchema } from "../schemas";
import { serviceTokenToWire } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const ListServiceTokensQuery = z
  .object({
    ...listParams,
    ...expiresBeforeParam,
    service_token_name: z.string().optional().openapi({ description: "Name of the service_token to search for (exact match)" }),
    org_name: z.string().optional().openapi({ description: "The org whose tokens to list (default: the caller's credential's org)" }),
  })
  .superRefine(oneCursor);

export const listServiceTokensRoute = createRoute({
  method: "get",
  path: "/service_token",
  operationId: "getServiceToken",
  tags: ["ServiceTokens"],
  summary: "List service_tokens",
  description:
    "List the org's service tokens, most recently created first. Page with `starting_after` until a page comes back empty. Any member may list; no secret is ever returned",
  security: [{ bearerAuth: [] }],
  request: { query: ListServiceTokensQuery },
  responses: {
    200: {
      description: "Returns a list of service_token objects",
      content: { "application/json": { schema: listOf(ServiceTokenSchema, "service_token") } },
    },
    ...errorResponses,
  },
});

export type ListServiceTokensRequest = RouteRequest<typeof listServiceTokensRoute>;
export type ListServiceTokensResponse = RouteResponse<typeof listServiceTokensRoute>;

export const registerListServiceTokens = (app: BraintrustApp) =>
  app.openapi(listServiceTokensRoute, async (c) => {
    const q = c.req.valid("query");
    const { caller, services } = c.var;
    const { org } = await services.orgs.resolve(caller, q.org_name);
    const page = await services.credentials.list({
      kind: "service_token",
      orgId: org.id,
      name: q.service_token_name,
      ids: q.ids,
      startingAfter: q.starting_after,
      endingBefore: q.ending_before,
      expiresBefore: q.expires_before === undefined ? undefined : Date.parse(q.expires_before),
      limit: pageSize(q.limit),
    });
    return c.json({ objects: page.map(serviceTokenToWire) }, 200);
  });
