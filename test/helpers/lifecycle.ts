/** Lifecycle test helpers: webhooks through the API, the receiver's boxes, and the cron run at any time. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { expect, inject } from "vitest";
import { expectLog } from "./expected-logs";
import { call, unique } from "./http";

export interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}

/** A receiver box no other test uses, with its query (`fail=2`, `status=410`, …). */
export const newBox = (query = "") => `${inject("receiverUrl" as never)}/${unique("box")}${query ? `?${query}` : ""}`;

/** Registers a webhook through the API; returns it with its secret. */
export async function createWebhook(key: string, url: string, body: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/webhook", { token: key, body: { url, ...body } });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; secret: string; url: string };
}

/** What a box received so far. */
export async function received(boxUrl: string): Promise<Received[]> {
  const url = new URL(boxUrl);
  return (await (await fetch(`${url.origin}${url.pathname}`)).json()) as Received[];
}

/** Polls a box (bounded: 100 × 100 ms) until `count` deliveries are in, then answers them. */
export async function waitFor(boxUrl: string, count: number, label = boxUrl): Promise<Received[]> {
  for (let i = 0; i < 100; i++) {
    const got = await received(boxUrl);
    if (got.length >= count) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${label}: fewer than ${count} deliveries within 10 s: ${JSON.stringify(await received(boxUrl))}`);
}

/** Verifies one delivery as a receiver would, with the standard library; returns the payload. */
export function verified(secret: string, delivery: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new StandardWebhook(secret).verify(delivery.body, delivery.headers) as never;
}

/** The events of a box, verified, as `type` → data. */
export const eventsOf = (secret: string, deliveries: Received[]) =>
  deliveries.filter((d) => d.status < 300).map((d) => verified(secret, d));

/** Runs the Cron Trigger's handler as if it fired at `at` (with env overrides). */
export async function runCron(at: number, overrides: Record<string, string> = {}) {
  // The handler logs what each run did, as it does in production; here the test fired it.
  expectLog(/^lifecycle \*\/5 \* \* \* \*: \{/);
  const { default: worker } = await import("../../src/index");
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), { ...env, ...overrides } as never, ctx);
  await waitOnExecutionContext(ctx);
}

/** The deliveries list of a webhook, through the API. */
export async function deliveries(key: string, webhookId: string) {
  const res = await call("GET", `/v1/webhook/${webhookId}/deliveries`, { token: key });
  expect(res.status, res.text).toBe(200);
  return res.body.objects as { event_id: string; type: string; status: string; attempts: number; next_attempt_at: string | null }[];
}
