/**
 * Rows of webhooks, their events, deliveries and attempts (migration 0008): the endpoints as the
 * core manages them, the deliveries as listed, and a delivery as its consumer claims it.
 */
import type { LifecycleEvent } from "../../core/webhooks/lifecycle";
import type { Delivery, Webhook } from "../../core/webhooks/ports";
import { type BlobValue, toBuffer } from "./shared";

/** A row of `webhooks`. */
export interface WebhookRow {
  id: string;
  org_id: string;
  url: string;
  /** JSON array of event types; NULL for all. */
  events: string | null;
  description: string | null;
  secret_enc: BlobValue;
  prev_secret_enc: BlobValue | null;
  prev_expires_at: number | null;
  failing_since: number | null;
  disabled_at: number | null;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of `webhook_events`: one lifecycle event of an org, fanned out to its webhooks' deliveries. */
export interface WebhookEventRow {
  id: string;
  org_id: string;
  type: string;
  /** JSON. */
  data: string;
  created_at: number;
}

/** A row of `webhook_deliveries`: one event to one webhook. */
export interface DeliveryRow {
  id: string;
  event_id: string;
  webhook_id: string;
  status: Delivery["status"];
  attempts: number;
  next_attempt_at: number | null;
  enqueued_at: number | null;
  leased_until: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
}

/** The columns of a `WebhookRow`, over `webhooks`. */
export const WEBHOOK_COLUMNS =
  "id, org_id, url, events, description, secret_enc, prev_secret_enc, prev_expires_at, failing_since, disabled_at, disabled_reason, created_at, updated_at";

export const webhookFromRow = (r: WebhookRow): Webhook => ({
  id: r.id,
  orgId: r.org_id,
  url: r.url,
  events: r.events === null ? null : (JSON.parse(r.events) as LifecycleEvent[]),
  description: r.description ?? null,
  secretSealed: toBuffer(r.secret_enc)!,
  prevSecretSealed: toBuffer(r.prev_secret_enc),
  prevExpiresAt: r.prev_expires_at ?? null,
  failingSince: r.failing_since ?? null,
  disabledAt: r.disabled_at ?? null,
  disabledReason: r.disabled_reason ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A delivery as listed: with its event's type (`webhook_deliveries d` JOIN `webhook_events e`). */
export type ListedDeliveryRow = Pick<
  DeliveryRow,
  "id" | "event_id" | "status" | "attempts" | "created_at" | "last_attempt_at" | "last_status" | "last_error" | "next_attempt_at"
> &
  Pick<WebhookEventRow, "type">;
/** The columns of a `ListedDeliveryRow`. */
export const LISTED_DELIVERY_COLUMNS =
  "d.id, d.event_id, e.type, d.status, d.attempts, d.created_at, d.last_attempt_at, d.last_status, d.last_error, d.next_attempt_at";

export const deliveryFromRow = (r: ListedDeliveryRow): Delivery => ({
  id: r.id,
  eventId: r.event_id,
  type: r.type,
  status: r.status,
  attempts: r.attempts,
  createdAt: r.created_at,
  lastAttemptAt: r.last_attempt_at ?? null,
  lastStatus: r.last_status ?? null,
  lastError: r.last_error ?? null,
  nextAttemptAt: r.status === "pending" ? (r.next_attempt_at ?? null) : null,
});

/** A delivery claimed for one attempt, with its event and endpoint. */
export interface Claimed {
  id: string;
  attempts: number;
  event: { id: string; type: string; data: string; createdAt: number };
  webhook: Webhook;
}

/** A claimed delivery's row: the delivery's id and attempts, its event, and every column of its webhook. */
export interface ClaimedRow extends WebhookRow, Pick<DeliveryRow, "attempts">, Pick<WebhookEventRow, "type" | "data"> {
  delivery_id: string;
  event_id: string;
  event_at: number;
}
/** The columns of a `ClaimedRow`, over `webhook_deliveries d`, `webhook_events e` and `webhooks w`. */
export const CLAIMED_COLUMNS = "d.id AS delivery_id, d.attempts, e.id AS event_id, e.type, e.data, e.created_at AS event_at, w.*";

export const claimedFromRow = (row: ClaimedRow): Claimed => ({
  id: row.delivery_id,
  attempts: row.attempts,
  event: { id: row.event_id, type: row.type, data: row.data, createdAt: row.event_at },
  webhook: webhookFromRow(row),
});
