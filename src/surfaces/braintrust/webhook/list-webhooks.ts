import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { listParams, oneCursor, pageSize } from "../pagination";
import { errorResponses, listOf } from "../schemas";
import { EXTENSION_NOTE, WEBHOOK_TAGS, WebhookSchema } from "./schemas";
import { actingIn, webhookToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

// No `ids` filter: an org has a handful of webhooks, and the core pages by cursor only.
const { ids: _ids, ...cursorParams } = listParams;

const ListWebhooksQuery = z
  .object({
    ...cursorParams,
    org_name: z.string().optional().openapi({ description: "The org whose webhooks to list (default: the caller's credential's org)" }),
  })
  .superRefine(oneCursor);

export const listWebhooksRoute = createRoute({
  method: "get",
  path: "/webhook",
  operationId: "getWebhook",
  tags: WEBHOOK_TAGS,
  summary: "List webhooks",
  description: `List the org's webhooks, most recently created first. Page with \`starting_after\` until a page comes back empty. Needs an org owner's credential; no secret is ever returned. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: { query: ListWebhooksQuery },
  responses: {
    200: {
      description: "Returns a list of webhook objects",
      content: { "application/json": { schema: listOf(WebhookSchema, "webhook") } },
    },
    ...errorResponses,
  },
});

export type ListWebhooksRequest = RouteRequest<typeof listWebhooksRoute>;
export type ListWebhooksResponse = RouteResponse<typeof listWebhooksRoute>;

export const registerListWebhooks = (app: BraintrustApp) =>
  app.openapi(listWebhooksRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await c.var.services.webhooks.list(await actingIn(c, q.org_name), {
      startingAfter: q.starting_after,
      endingBefore: q.ending_before,
      limit: pageSize(q.limit),
    });
    return c.json({ objects: page.map(webhookToWire) }, 200);
  });
