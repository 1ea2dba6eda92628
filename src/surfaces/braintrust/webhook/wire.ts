/** Core webhooks and deliveries → the `/v1/webhook` wire JSON, and the org a webhook request acts in. */
import type { Context } from "hono";
import type { z } from "@hono/zod-openapi";
import type { LifecycleEvent } from "../../../core/webhooks/lifecycle";
import type { Acting } from "../../../core/shared/model";
import type { Delivery, Webhook } from "../../../core/webhooks/ports";
import type { AppEnv } from "../../../http/app-env";
import { isoOrNull } from "../wire";
import type { DeliverySchema, WebhookSchema } from "./schemas";

/**
 * The org named by `org_name`, else the caller's credential's org, with the
 * caller's role there. Owner-only is judged by the core on this, so a member
 * is told 403, and a webhook of any other org is simply not found there.
 */
export async function actingIn(c: Context<AppEnv>, orgName: string | null | undefined): Promise<Acting> {
  const { org, role } = await c.var.services.orgs.resolve(c.var.caller, orgName);
  return { orgId: org.id, role };
}

/** A webhook as every answer shows it; the secret is added only by create and rotate. */
export function webhookToWire(w: Webhook): z.infer<typeof WebhookSchema> {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    description: w.description,
    created: isoOrNull(w.createdAt)!,
    org_id: w.orgId,
    disabled_at: isoOrNull(w.disabledAt),
    disabled_reason: w.disabledReason,
    previous_secret_expires_at: isoOrNull(w.prevExpiresAt),
  };
}

export function deliveryToWire(d: Delivery): z.infer<typeof DeliverySchema> {
  return {
    id: d.id,
    event_id: d.eventId,
    // Only the outbox triggers of migration 0008 write event types, all of them lifecycle events.
    type: d.type as LifecycleEvent,
    status: d.status,
    attempts: d.attempts,
    created: isoOrNull(d.createdAt)!,
    last_attempt_at: isoOrNull(d.lastAttemptAt),
    last_status: d.lastStatus,
    last_error: d.lastError,
    next_attempt_at: isoOrNull(d.nextAttemptAt),
  };
}
