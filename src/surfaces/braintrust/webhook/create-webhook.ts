import { createRoute } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import { CreateWebhookBody, EXTENSION_NOTE, WEBHOOK_TAGS, WebhookWithSecretSchema } from "./schemas";
import { actingIn, webhookToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const createWebhookRoute = createRoute({
  method: "post",
  path: "/webhook",
  operationId: "postWebhook",
  tags: WEBHOOK_TAGS,
  summary: "Create webhook",
  description: `Register an endpoint to receive the org's credential lifecycle events (created, rotated, deleted, expiring, expired, inactive), POSTed as Standard Webhooks: signed with the secret answered here, retried on failure. Needs an org owner's credential. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: CreateWebhookBody } } } },
  responses: {
    // 200, not 201: every Braintrust create answers 200 (POST /v1/api_key, /v1/service_token).
    200: {
      description: "Returns the webhook with its signing secret. This is the only time the secret is exposed, besides a rotation",
      content: { "application/json": { schema: WebhookWithSecretSchema } },
    },
    ...errorResponses,
  },
});

export type CreateWebhookRequest = RouteRequest<typeof createWebhookRoute>;
export type CreateWebhookResponse = RouteResponse<typeof createWebhookRoute>;

export const registerCreateWebhook = (app: BraintrustApp) =>
  app.openapi(createWebhookRoute, async (c) => {
    const body = c.req.valid("json");
    const acting = await actingIn(c, body.org_name);
    const { webhook, secret } = await c.var.services.webhooks.create(acting, {
      url: body.url,
      events: body.events ?? undefined,
      description: body.description ?? undefined,
    });
    return c.json({ ...webhookToWire(webhook), secret }, 200);
  });
