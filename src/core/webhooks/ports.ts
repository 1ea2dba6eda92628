/**
 * Webhooks and their deliveries: the objects and the storage port the core
 * manages them through (`src/db/webhooks.ts` implements it on D1). The outbox
 * itself is written by the database with each change (migration 0008); the
 * queue consumer and the cron reach it through `src/db/lifecycle.ts`.
 */
import type { AuditEvent } from "../shared/audit-events";
import type { LifecycleEvent } from "./lifecycle";

export interface Webhook {
  id: string;
  orgId: string;
  url: string;
  /** The event types it receives; null for all. */
  events: LifecycleEvent[] | null;
  description: string | null;
  /** The signing secret, sealed (`SecretBox`). */
  secretSealed: ArrayBuffer;
  /** The secret before the last rotation, sealed; it signs too until `prevExpiresAt`. */
  prevSecretSealed: ArrayBuffer | null;
  prevExpiresAt: number | null;
  failingSince: number | null;
  disabledAt: number | null;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  status: "pending" | "delivered" | "failed" | "dead";
  attempts: number;
  createdAt: number;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
}

export interface WebhookPage {
  orgId: string;
  startingAfter?: string;
  endingBefore?: string;
  limit: number;
}

export interface WebhookStore {
  /** Stores it with its event unless the org already has `maxPerOrg` webhooks (then false, nothing stored). */
  insertWebhook(webhook: Webhook, event: AuditEvent, maxPerOrg: number): Promise<boolean>;
  getWebhook(orgId: string, id: string): Promise<Webhook | null>;
  /** Newest first. */
  listWebhooks(page: WebhookPage): Promise<Webhook[]>;
  /** Deletes it with its deliveries; false when there is none in the org. */
  deleteWebhook(orgId: string, id: string, event: AuditEvent): Promise<boolean>;
  /** Replaces the secrets if the webhook is still at `updatedAt`; false when it changed or went. */
  rotateSecret(
    orgId: string,
    id: string,
    updatedAt: number,
    next: Pick<Webhook, "secretSealed" | "prevSecretSealed" | "prevExpiresAt" | "updatedAt">,
    event: AuditEvent,
  ): Promise<boolean>;
  /** Its most recent deliveries, newest first (before `before`, a delivery id, when given). */
  listDeliveries(webhookId: string, limit: number, before?: string): Promise<Delivery[]>;
}

// ─── The cron's notices (expiry and inactivity) ─────────────────────────────

/** A credential whose expiry or inactivity is to be looked at. */
export interface NoticeRow {
  id: string;
  kind: string;
  orgId: string;
  orgName: string | null;
  name: string;
  clientId: string | null;
  expiresAt: number | null;
  noticedDays: number | null;
  lastUsedAt: number | null;
  createdAt: number;
}

/** A lifecycle event to write with the change that raised it. */
export interface NoticeEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What the notices read and write: index ranges of what is due, and writes that move each on with its event. */
export interface NoticeStore {
  /** Credentials whose expiry notice is due by `now`, earliest first. */
  dueNotices(now: number, limit: number): Promise<NoticeRow[]>;
  /** Moves each notice on (only if its expiry is still the one looked at), with its event, in one batch. */
  applyNotices(
    items: { row: NoticeRow; dueAt: number | null; noticedDays: number | null; event: NoticeEvent | null }[],
    now: number,
  ): Promise<void>;
  /** Credentials unused (or never used) since before `cutoff` and not yet noticed, longest idle first. */
  idle(cutoff: number, limit: number): Promise<NoticeRow[]>;
  /** Notes each as noticed inactive (unless it was used meanwhile), with its event. */
  markInactive(items: { row: NoticeRow; data: Record<string, unknown> }[], now: number): Promise<void>;
}
