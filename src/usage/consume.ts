/**
 * The usage queue's consumer: a batch of the homes' hourly reports written to
 * D1 at once, in two statements whatever the batch's size (src/db/usage.ts).
 * Reports are idempotent (a day's running total, the latest `through` wins),
 * so a batch the queue redelivers after a failure changes nothing twice.
 */
import type { UsageReport } from "../core/credentials/ports";
import type { Env } from "../env";
import { backgroundFor } from "../services";

/** Whether a batch is the usage queue's (the queue named in wrangler.toml ends so). */
export const isUsageQueue = (queue: string) => queue.endsWith("-usage");

export async function consumeUsage(batch: MessageBatch<UsageReport>, env: Env): Promise<void> {
  try {
    await backgroundFor(env).usage.apply(batch.messages.map((m) => m.body));
    batch.ackAll();
  } catch (err) {
    console.error(
      `usage reports: ${batch.messages.length} not written, retried by the queue:`,
      err instanceof Error ? err.message : String(err),
    );
    batch.retryAll();
  }
}
