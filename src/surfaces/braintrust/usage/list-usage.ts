import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { OrgUsageSchema, RankQuerySchema, rankingToWire } from "../../shared/usage";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const ListUsageQuery = RankQuerySchema.extend({
  org_name: z.string().optional().openapi({ description: "Which of the caller's orgs (needed when the caller is in several)" }),
});

export const listUsageRoute = createRoute({
  method: "get",
  path: "/usage",
  operationId: "getUsage",
  tags: ["Usage (edgekeys extension)"],
  summary: "List the org's credentials by use",
  description:
    "Every credential of the org (API keys, service tokens, Access service tokens) with its requests by outcome over whole UTC days, most used first (order=asc: least used, unused first). Totals come from the credentials' hourly reports, so today's lag by up to about 70 minutes; one credential's exact series is at its own /usage. Page with `next_cursor`. Org owners only. Not part of Braintrust's API.",
  security: [{ bearerAuth: [] }],
  request: { query: ListUsageQuery },
  responses: {
    200: { description: "A page of credentials with their use", content: { "application/json": { schema: OrgUsageSchema } } },
    ...errorResponses,
  },
});

export type ListUsageRequest = RouteRequest<typeof listUsageRoute>;
export type ListUsageResponse = RouteResponse<typeof listUsageRoute>;

export const registerListUsage = (app: BraintrustApp) =>
  app.openapi(listUsageRoute, async (c) => {
    const q = c.req.valid("query");
    const { caller, services } = c.var;
    const { org, role } = await services.orgs.resolve(caller, q.org_name);
    const ranking = await services.usage.rank(
      { orgId: org.id, role },
      {
        from: q.from === undefined ? undefined : Date.parse(q.from),
        to: q.to === undefined ? undefined : Date.parse(q.to),
        order: q.order ?? "desc",
        limit: q.limit ?? 20,
        cursor: q.cursor,
        kind: q.kind,
      },
    );
    return c.json(rankingToWire(ranking), 200);
  });
