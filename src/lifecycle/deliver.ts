/**
 * The webhook queue's consumer: one attempt per message. It leases the
 * delivery (a duplicate message finds it leased or already moved on), signs
 * the event as Standard Webhooks (the same `webhook-id` on every attempt, this
 * attempt's timestamp, the current and any rotated-out secret), POSTs it with
 * a timeout and without following redirects, and records the attempt. A 2xx
 * delivers; 410 disables the endpoint; anything else is tried again on the
 * schedule (WEBHOOK_RETRY_SCHEDULE, `Retry-After` honoured): after a delay a
 * queue can hold (12 h) as a delayed message, else the cron sends it when it
 * is due. A spent schedule sends the delivery to the dead-letter queue and
 * disables the endpoint, telling its owner in the audit log.
 */
import { configOf } from "../config";
import { AuditContext } from "../core/shared/audit-events";
import { judgeAttempt, parseRetryAfter } from "../core/webhooks/lifecycle";
import type { SecretBox } from "../core/webhooks/secret-box";
import { signWebhook } from "../core/webhooks/signing";
import { webhookUrlProblem } from "../core/webhooks/url";
import type { AttemptOutcome, Claimed } from "../db/lifecycle";
import { backgroundFor } from "../services";
import type { Env } from "../env";
import type { DeliveryMessage } from "./dispatch";

/** Longer than any attempt (its timeout) takes: a lease outlives the attempt that holds it. */
const LEASE_MS = 120_000;

/** Handles a batch of the webhook queue (or of its dead-letter queue). */
export async function consume(batch: MessageBatch<DeliveryMessage>, env: Env): Promise<void> {
  const deadLetters = batch.queue.endsWith("-dlq");
  // Side by side: a receiver that hangs until its timeout holds up no other endpoint's delivery.
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        if (deadLetters) await backgroundFor(env).lifecycle.markDead(message.body.delivery);
        else await attempt(env, message.body.delivery);
        message.ack();
      } catch (err) {
        // An attempt that could not even be recorded: the queue retries it, then dead-letters it.
        console.error(`webhook delivery ${message.body.delivery}: ${err instanceof Error ? err.message : String(err)}`);
        message.retry();
      }
    }),
  );
}

/** One attempt of one delivery. */
export async function attempt(env: Env, deliveryId: string, now = Date.now()): Promise<AttemptOutcome | null> {
  const { lifecycle, secretBox } = backgroundFor(env);
  const claimed = await lifecycle.claim(deliveryId, now, LEASE_MS);
  if (!claimed) return null;
  const { lifecycle: settings } = configOf(env);
  const { status, error, retryAfter, durationMs } = await post(secretBox, claimed, now, settings.allowInsecure, settings.timeoutMs);
  const number = claimed.attempts + 1;
  const outcome: AttemptOutcome = {
    deliveryId,
    webhookId: claimed.webhook.id,
    attempt: number,
    at: now,
    status,
    error,
    durationMs,
    result: "pending",
    nextAttemptAt: null,
    enqueuedAt: null,
    disable: null,
  };
  // What follows is the core's decision (core/webhooks/lifecycle.ts); this file carries it out.
  const verdict = judgeAttempt(
    { status, error, retryAfter, attempt: number, failingSince: claimed.webhook.failingSince, now },
    settings.retrySchedule,
  );
  outcome.result = verdict.result;
  outcome.nextAttemptAt = verdict.nextAttemptAt;
  // Sent now with its delay, or left for the cron when a queue cannot hold it that long.
  if (verdict.viaQueue && env.WEBHOOK_QUEUE) outcome.enqueuedAt = verdict.nextAttemptAt;
  if (verdict.disable !== null) {
    const changes = { reason: verdict.disable, url: claimed.webhook.url };
    outcome.disable = {
      reason: verdict.disable,
      event: new AuditContext().event("webhook.disable", claimed.webhook.orgId, "webhook", claimed.webhook.id, changes, now),
    };
  }
  await lifecycle.record(outcome);
  if (outcome.enqueuedAt !== null)
    await env.WEBHOOK_QUEUE!.send({ delivery: deliveryId } satisfies DeliveryMessage, {
      delaySeconds: Math.ceil((outcome.nextAttemptAt! - now) / 1000),
    });
  if (outcome.result === "dead" && env.WEBHOOK_DLQ) await env.WEBHOOK_DLQ.send({ delivery: deliveryId } satisfies DeliveryMessage);
  return outcome;
}

async function post(box: SecretBox, { event, webhook }: Claimed, now: number, allowInsecure: boolean, timeoutMs: number) {
  const failed = (error: string) => ({ status: null, error, retryAfter: null, durationMs: 0 });
  if (webhook.disabledAt !== null) return failed("endpoint disabled");
  const problem = webhookUrlProblem(webhook.url, allowInsecure);
  if (problem) return failed(`url ${problem}`);
  const secrets = [await box.open(webhook.id, webhook.secretSealed)];
  if (webhook.prevSecretSealed && (webhook.prevExpiresAt ?? 0) > now) secrets.push(await box.open(webhook.id, webhook.prevSecretSealed));
  const body = JSON.stringify({ type: event.type, timestamp: new Date(event.createdAt).toISOString(), data: JSON.parse(event.data) });
  const headers = await signWebhook(event.id, Math.floor(now / 1000), body, secrets);
  const started = Date.now();
  try {
    const res = await fetch(webhook.url, {
      method: "POST",
      body,
      headers: { ...headers, "content-type": "application/json", "user-agent": "edgekeys-webhooks/1" },
      redirect: "manual", // a 3xx is a failure: a delivery never goes where the endpoint did not say
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return {
      status: res.status,
      error: res.status >= 300 && res.status < 400 ? "redirects are not followed" : null,
      retryAfter: parseRetryAfter(res.headers.get("retry-after"), now),
      durationMs: Date.now() - started,
    };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return {
      status: null,
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `unreachable: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300),
      retryAfter: null,
      durationMs: Date.now() - started,
    };
  }
}
