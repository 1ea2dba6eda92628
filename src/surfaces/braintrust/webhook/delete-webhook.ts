import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { EXTENSION_NOTE, WEBHOOK_TAGS, WebhookIdParams, WebhookOrgQuery, WebhookSchema } from "./schemas";
import { actingIn, webhookToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/webhook/{webhook_id}",
  operationId: "deleteWebhookId",
  tags: WEBHOOK_TAGS,
  summary: "Delete webhook",
  description: `Delete a webhook by its id, with its deliveries: nothing more is sent to it, not even attempts already due. Needs an org owner's credential. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: { params: WebhookIdParams, query: WebhookOrgQuery },
  responses: {
    200: { description: "Returns the deleted webhook object", content: { "application/json": { schema: WebhookSchema } } },
    ...errorResponses,
  },
});

export type DeleteWebhookRequest = RouteRequest<typeof deleteWebhookRoute>;
export type DeleteWebhookResponse = RouteResponse<typeof deleteWebhookRoute>;

export const registerDeleteWebhook = (app: BraintrustApp) =>
  app.openapi(deleteWebhookRoute, async (c) => {
    const { webhook_id } = c.req.valid("param");
    const acting = await actingIn(c, c.req.valid("query").org_name);
    return c.json(webhookToWire(await c.var.services.webhooks.delete(acting, webhook_id)), 200);
  });
