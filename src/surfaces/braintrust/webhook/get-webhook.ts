import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { EXTENSION_NOTE, WEBHOOK_TAGS, WebhookIdParams, WebhookOrgQuery, WebhookSchema } from "./schemas";
import { actingIn, webhookToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const getWebhookRoute = createRoute({
  method: "get",
  path: "/webhook/{webhook_id}",
  operationId: "getWebhookId",
  tags: WEBHOOK_TAGS,
  summary: "Get webhook",
  description: `Get a webhook of the org by its id (never its secret). Needs an org owner's credential. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: { params: WebhookIdParams, query: WebhookOrgQuery },
  responses: {
    200: { description: "Returns the webhook object", content: { "application/json": { schema: WebhookSchema } } },
    ...errorResponses,
  },
});

export type GetWebhookRequest = RouteRequest<typeof getWebhookRoute>;
export type GetWebhookResponse = RouteResponse<typeof getWebhookRoute>;

export const registerGetWebhook = (app: BraintrustApp) =>
  app.openapi(getWebhookRoute, async (c) => {
    const { webhook_id } = c.req.valid("param");
    const acting = await actingIn(c, c.req.valid("query").org_name);
    return c.json(webhookToWire(await c.var.services.webhooks.get(acting, webhook_id)), 200);
  });
