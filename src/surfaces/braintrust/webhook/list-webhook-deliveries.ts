import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses, listOf } from "../schemas";
import {
  DEFAULT_DELIVERIES_LIMIT,
  DeliverySchema,
  EXTENSION_NOTE,
  MAX_DELIVERIES_LIMIT,
  WEBHOOK_TAGS,
  WebhookIdParams,
  WebhookOrgQuery,
} from "./schemas";
import { actingIn, deliveryToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const ListDeliveriesQuery = WebhookOrgQuery.extend({
  limit: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .openapi({
      description: `Limit the number of deliveries to return (default ${DEFAULT_DELIVERIES_LIMIT}, at most ${MAX_DELIVERIES_LIMIT})`,
    }),
  // Delivery ids are not UUIDs (`msg_<hex>.<webhook id>`); the shape is checked loosely, an unknown id gives an empty page.
  starting_after: z
    .string()
    .max(128)
    .regex(/^[A-Za-z0-9_.-]+$/, "must be a delivery id")
    .optional()
    .openapi({ description: "Pagination cursor: the id of the last delivery of the previous page, to get the next (older) one" }),
});

export const listWebhookDeliveriesRoute = createRoute({
  method: "get",
  path: "/webhook/{webhook_id}/deliveries",
  operationId: "getWebhookIdDeliveries",
  tags: WEBHOOK_TAGS,
  summary: "List webhook deliveries",
  description: `The webhook's deliveries, newest first: one per event sent to it, with its status and last attempt. Page with \`starting_after\` until a page comes back empty. Needs an org owner's credential. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: { params: WebhookIdParams, query: ListDeliveriesQuery },
  responses: {
    200: {
      description: "Returns a list of delivery objects",
      content: { "application/json": { schema: listOf(DeliverySchema, "delivery") } },
    },
    ...errorResponses,
  },
});

export type ListWebhookDeliveriesRequest = RouteRequest<typeof listWebhookDeliveriesRoute>;
export type ListWebhookDeliveriesResponse = RouteResponse<typeof listWebhookDeliveriesRoute>;

export const registerListWebhookDeliveries = (app: BraintrustApp) =>
  app.openapi(listWebhookDeliveriesRoute, async (c) => {
    const { webhook_id } = c.req.valid("param");
    const q = c.req.valid("query");
    const limit = Math.min(q.limit ?? DEFAULT_DELIVERIES_LIMIT, MAX_DELIVERIES_LIMIT);
    const page = await c.var.services.webhooks.deliveries(await actingIn(c, q.org_name), webhook_id, limit, q.starting_after);
    return c.json({ objects: page.map(deliveryToWire) }, 200);
  });
