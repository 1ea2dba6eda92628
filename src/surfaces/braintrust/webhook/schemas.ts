/**
 * Wire schemas of `/v1/webhook` (an edgekeys extension, not part of
 * Braintrust's API), in Braintrust's style: snake_case, RFC 3339 times, null
 * for absent values, `{objects: [...]}` lists.
 */
import { z } from "@hono/zod-openapi";
import { DEFAULT_ROTATION_GRACE_SECONDS } from "../../../core/webhooks/webhooks";
import { LIFECYCLE_EVENTS } from "../../../core/webhooks/lifecycle";
import { plainText } from "../../../http/text";
import { dateTime } from "../../shared/api-key";
import { OrgNameSchema } from "../schemas";

/** Shared by every webhook operation's OpenAPI entry. */
export const WEBHOOK_TAGS = ["Webhooks"];
export const EXTENSION_NOTE = "An edgekeys extension, not part of Braintrust's API.";

export const MAX_URL_LENGTH = 2048;
export const MAX_DESCRIPTION_LENGTH = 256;
/** The longest grace a rotation may give the previous secret: a week, as Standard Webhooks' providers commonly allow. */
export const MAX_GRACE_SECONDS = 7 * 86_400;
export const DEFAULT_DELIVERIES_LIMIT = 50;
export const MAX_DELIVERIES_LIMIT = 200;

const EventTypeSchema = z.enum(LIFECYCLE_EVENTS).openapi({ description: "A lifecycle event type" });

export const WebhookSchema = z
  .object({
    id: z.uuid().openapi({ description: "Unique identifier for the webhook" }),
    url: z.string().openapi({ description: "Where deliveries are POSTed" }),
    events: z
      .array(EventTypeSchema)
      .nullable()
      .openapi({ description: "The event types delivered; null for every type, including types added later" }),
    description: z.string().nullable().openapi({ description: "What the webhook is for" }),
    created: dateTime.openapi({ description: "Date of webhook creation" }),
    org_id: z.uuid().openapi({ description: "Unique identifier for the organization" }),
    disabled_at: dateTime
      .nullable()
      .openapi({ description: "When deliveries stopped because the endpoint kept failing; null while it is enabled" }),
    disabled_reason: z.string().nullable().openapi({ description: "Why it was disabled" }),
    previous_secret_expires_at: dateTime.nullable().openapi({
      description: "Until when the secret before the last rotation still signs deliveries beside the current one; null when it does not",
    }),
  })
  .openapi("Webhook");

export const WebhookWithSecretSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description:
      "The signing secret (`whsec_` + base64 of 32 bytes) for verifying deliveries as Standard Webhooks specifies. It is only exposed here, this one time",
    example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7Ax8p2a0HeQ=",
  }),
}).openapi("WebhookWithSecret");

export const CreateWebhookBody = z
  .object({
    // Control characters and whitespace are refused here: the URL parser would silently drop some (tabs, newlines, edges) and we store the URL as sent.
    url: plainText(z.string().min(1).max(MAX_URL_LENGTH))
      .regex(/^\S+$/, "must not contain whitespace")
      .openapi({
        description: `Where to POST deliveries: an absolute https URL without credentials or fragment, on a public host (at most ${MAX_URL_LENGTH} characters)`,
        example: "https://hooks.example.com/edgekeys",
      }),
    events: z
      .array(EventTypeSchema)
      .max(64)
      .nullish()
      .openapi({ description: "The event types to deliver; absent, null or empty for every type (answered as null)" }),
    description: plainText(z.string().min(1).max(MAX_DESCRIPTION_LENGTH))
      .nullish()
      .openapi({ description: `What the webhook is for (1 to ${MAX_DESCRIPTION_LENGTH} characters)` }),
    org_name: OrgNameSchema,
  })
  .openapi("CreateWebhook");

export const RotateWebhookSecretBody = z
  .object({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .optional()
      .openapi({
        description: `How long the previous secret keeps signing beside the new one, in seconds (0 to ${MAX_GRACE_SECONDS}, default ${DEFAULT_ROTATION_GRACE_SECONDS}); 0 retires it at once`,
      }),
  })
  .openapi("RotateWebhookSecret");

export const WebhookIdParams = z.object({
  webhook_id: z.uuid().openapi({ param: { name: "webhook_id", in: "path" }, description: "Webhook id" }),
});

/** The org a webhook addressed by id is looked up in; a webhook of another org answers 404 like a missing one. */
export const WebhookOrgQuery = z.object({
  org_name: z.string().optional().openapi({ description: "The org the webhook belongs to (default: the caller's credential's org)" }),
});

export const DeliverySchema = z
  .object({
    id: z.string().openapi({ description: "Unique identifier for the delivery (one event to one webhook)" }),
    event_id: z.string().openapi({ description: "The event's id, sent as the `webhook-id` header on every attempt" }),
    type: EventTypeSchema,
    status: z.enum(["pending", "delivered", "failed", "dead"]).openapi({
      description:
        "pending: an attempt is due; delivered: the endpoint answered 2xx; failed: not tried again (the endpoint answered 410, or was disabled, or its URL is no longer allowed); dead: every scheduled attempt failed",
    }),
    attempts: z.number().int().openapi({ description: "Attempts made so far" }),
    created: dateTime.openapi({ description: "When the event happened" }),
    last_attempt_at: dateTime.nullable().openapi({ description: "When the last attempt was made" }),
    last_status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The HTTP status of the last attempt; null when the endpoint did not answer" }),
    last_error: z.string().nullable().openapi({ description: "What went wrong on the last attempt" }),
    next_attempt_at: dateTime.nullable().openapi({ description: "When the next attempt is due; null unless pending" }),
  })
  .openapi("WebhookDelivery");
