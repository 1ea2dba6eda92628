import { createRoute } from "@hono/zod-openapi";
import { ErrorSchema } from "../../../http/errors";
import type { BraintrustApp } from "../app-type";
import { errorResponses } from "../schemas";
import {
  EXTENSION_NOTE,
  RotateWebhookSecretBody,
  WEBHOOK_TAGS,
  WebhookIdParams,
  WebhookOrgQuery,
  WebhookWithSecretSchema,
} from "./schemas";
import { actingIn, webhookToWire } from "./wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const rotateWebhookSecretRoute = createRoute({
  method: "post",
  path: "/webhook/{webhook_id}/rotate_secret",
  operationId: "postWebhookIdRotateSecret",
  tags: WEBHOOK_TAGS,
  summary: "Rotate webhook secret",
  description: `Give a webhook a new signing secret. The previous one keeps signing beside it (a second \`v1,\` entry in \`webhook-signature\`) until \`previous_secret_expires_at\`, so receivers can switch without missing a delivery; a secret rotated out earlier stops at once. The body is optional. Needs an org owner's credential. ${EXTENSION_NOTE}`,
  security: [{ bearerAuth: [] }],
  request: {
    params: WebhookIdParams,
    query: WebhookOrgQuery,
    body: { required: false, content: { "application/json": { schema: RotateWebhookSecretBody } } },
  },
  responses: {
    200: {
      description: "Returns the webhook with its new signing secret. This is the only time the new secret is exposed",
      content: { "application/json": { schema: WebhookWithSecretSchema } },
    },
    ...errorResponses,
    // The core rotates only the version it read: two rotations at once cannot both keep "the previous" secret.
    409: {
      description: "The webhook was changed by another request meanwhile; retry",
      content: { "application/json": { schema: ErrorSchema } },
    },
  },
});

export type RotateWebhookSecretRequest = RouteRequest<typeof rotateWebhookSecretRoute>;
export type RotateWebhookSecretResponse = RouteResponse<typeof rotateWebhookSecretRoute>;

export const registerRotateWebhookSecret = (app: BraintrustApp) =>
  app.openapi(rotateWebhookSecretRoute, async (c) => {
    const { webhook_id } = c.req.valid("param");
    const acting = await actingIn(c, c.req.valid("query").org_name);
    // Without a JSON body the validator hands over {}: the core's default grace applies.
    const grace = c.req.valid("json")?.grace_period_seconds;
    const { webhook, secret } = await c.var.services.webhooks.rotateSecret(acting, webhook_id, grace);
    return c.json({ ...webhookToWire(webhook), secret }, 200);
  });
