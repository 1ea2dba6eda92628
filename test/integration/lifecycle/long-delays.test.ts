/**
 * What a queue cannot hold: a retry due after more than 12 h is left in D1 (next_attempt_at,
 * no message), and a message that never arrived is resent; the cron sends both when due.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { createWebhook, eventsOf, newBox, runCron, waitFor } from "../../helpers/lifecycle";

const HOUR = 3_600_000;

/** Puts a webhook's deliveries back to "pending, due at `due`, message sent at `enqueuedAt`" (as the consumer leaves them). */
async function pendingAgain(webhookId: string, due: number, enqueuedAt: number | null) {
  await env.DB.prepare(
    "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, enqueued_at = ?, leased_until = NULL WHERE webhook_id = ?",
  )
    .bind(due, enqueuedAt, webhookId)
    .run();
}

/** A webhook whose one delivery (a token's creation) has arrived. */
async function deliveredOnce() {
  const a = await account();
  const box = newBox();
  const hook = await createWebhook(a.key, box, { events: ["credential.created"] });
  await createToken(a);
  await waitFor(box, 1);
  return { box, hook };
}

describe("deliveries beyond a queue's reach", { timeout: 30_000 }, () => {
  it("sends a retry due after more than 12 h when the cron finds it due, and not before", async () => {
    const { box, hook } = await deliveredOnce();
    const now = Date.now();
    await pendingAgain(hook.id, now + 14 * HOUR, null); // as after a failed attempt whose next wait is 14 h
    await runCron(now + 13 * HOUR);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await waitFor(box, 1)).length).toBe(1); // not due yet: nothing sent
    await runCron(now + 14 * HOUR + 60_000);
    const got = await waitFor(box, 2);
    expect(new Set(got.map((d) => d.headers["webhook-id"])).size).toBe(1); // the same event, again
    expect(eventsOf(hook.secret, got).map((e) => e.type)).toEqual(["credential.created", "credential.created"]);
  });

  it("resends a message that was sent but never taken, 15 minutes after it was due", async () => {
    const { box, hook } = await deliveredOnce();
    const now = Date.now();
    await pendingAgain(hook.id, now - 20 * 60_000, now - 20 * 60_000); // "sent" 20 minutes ago, lost
    await runCron(now);
    await waitFor(box, 2);
    await pendingAgain(hook.id, now - 60_000, now - 60_000); // sent a minute ago: still on its way
    await runCron(now);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await waitFor(box, 2)).length).toBe(2);
  });
});
