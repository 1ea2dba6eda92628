/**
 * From the outbox to the queue: due deliveries are marked as sent and sent as
 * one message each. Called after a response that may have written events
 * (`waitUntil`), and by the cron, which also resends what is due after a delay
 * longer than a queue can hold (12 h) and any message that was lost.
 */
import { backgroundFor } from "../services";
import type { Env } from "../env";

/** A message not taken this long after it was due is taken for lost, and sent again. */
export const LOST_AFTER_MS = 15 * 60_000;

export interface DeliveryMessage {
  delivery: string;
}

/**
 * Sends up to `limit` due deliveries to the queue (only `orgId`'s when given: what a write of
 * that org raised); how many. Without a queue binding, none.
 */
export async function dispatchDue(env: Env, now = Date.now(), limit = 100, orgId?: string): Promise<number> {
  if (!env.WEBHOOK_QUEUE) return 0;
  const due = await backgroundFor(env).lifecycle.takeDue(now, limit, LOST_AFTER_MS, orgId);
  // sendBatch takes 100 messages at most.
  for (let i = 0; i < due.length; i += 100) {
    await env.WEBHOOK_QUEUE.sendBatch(due.slice(i, i + 100).map((delivery) => ({ body: { delivery } satisfies DeliveryMessage })));
  }
  return due.length;
}
