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

/**
 * What this isolate's consumer wrote: the usage simulation (bench/usage-sim.mjs) reads it through
 * `/__bench/usage`, to count the D1 statements that use causes. Three numbers, no cost.
 */
export const usageMeter = { batches: 0, reports: 0, statements: 0 };

export async function consumeUsage(batch: MessageBatch<UsageReport>, env: Env): Promise<void> {
  try {
    const statements = await backgroundFor(env).usage.apply(batch.messages.map((m) => m.body));
    usageMeter.batches += 1;
    usageMeter.reports += batch.messages.length;
    usageMeter.statements += statements;
    batch.ackAll();
  } catch (err) {
    console.error(
      `usage reports: ${batch.messages.length} not written, retried by the queue:`,
      err instanceof Error ? err.message : String(err),
    );
    batch.retryAll();
  }
}
