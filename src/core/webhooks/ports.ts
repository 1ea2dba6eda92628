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
