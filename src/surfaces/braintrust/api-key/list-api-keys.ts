import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { expiresBeforeParam, listParams, oneCursor, pageSize } from "../pagination";
import { ApiKeySchema, errorResponses, listOf } from "../schemas";
import { apiKeyToWire } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const ListApiKeysQuery = z
  .object({
    ...listParams,
    ...expiresBeforeParam,
    api_key_name: z.string().optional().openapi({ description: "Name of the api_key to search for (exact match)" }),
    org_name: z.string().optional().openapi({ description: "Filter search results to within a particular organization" }),
  })
  .superRefine(oneCursor);

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/api_key",
  operationId: "getApiKey",
  tags: ["ApiKeys"],
  summary: "List api_keys",
  description: "List the calling user's api_keys, most recently created first. Page with `starting_after` until a page comes back empty",
  security: [{ bearerAuth: [] }],
  request: { query: ListApiKeysQuery },
  responses: {
    200: {
      description: "Returns a list of api_key objects",
      content: { "application/json": { schema: listOf(ApiKeySchema, "api_key") } },
    },
    ...errorResponses,
  },
});

export type ListApiKeysRequest = RouteRequest<typeof listApiKeysRoute>;
export type ListApiKeysResponse = RouteResponse<typeof listApiKeysRoute>;

export const registerListApiKeys = (app: BraintrustApp) =>
  app.openapi(listApiKeysRoute, async (c) => {
    const q = c.req.valid("query");
    const { caller, services } = c.var;
    // Only the caller's own keys; an org filter must name one of the caller's orgs.
    const org = q.org_name === undefined ? undefined : (await services.orgs.resolve(caller, q.org_name)).org;
    const page = await services.credentials.list({
      kind: "api_key",
      principalId: caller.principal.id,
      orgId: org?.id,
      name: q.api_key_name,
      ids: q.ids,
      startingAfter: q.starting_after,
      endingBefore: q.ending_before,
      expiresBefore: q.expires_before === undefined ? undefined : Date.parse(q.expires_before),
      limit: pageSize(q.limit),
    });
    return c.json({ objects: page.map(apiKeyToWire) }, 200);
  });
