/**
 * Lifecycle webhooks against the Worker started for real (`npm run dev`: local Queues, the cron
 * fired through `/__scheduled`): a team registers a webhook and receives, signed and verified
 * with the `standardwebhooks` package, an event for every create, rotate and delete of a token
 * made with the official SDK, and an expiry warning from the cron; a receiver outage is survived.
 */
import { createServer, type Server } from "node:http";
import Cloudflare from "cloudflare";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

let worker: RunningWorker;
let receiver: Server;
let receiverUrl: string;
/** What reached the receiver: raw body and headers, and what it answered. */
const deliveries: { body: string; headers: Record<string, string>; status: number }[] = [];
/** Answer 503 to the first attempts of each event, as many as this says (a receiver outage). */
let outage = 0;
const attemptsOf = new Map<string, number>();

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      const n = (attemptsOf.get(id) ?? 0) + 1;
      attemptsOf.set(id, n);
      const status = n <= outage ? 503 : 204;
      deliveries.push({ body, headers: req.headers as Record<string, string>, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
  worker = await startWorker({ WEBHOOK_RETRY_SCHEDULE: "1,1,1" });
});
afterAll(async () => {
  await worker?.stop();
  receiver?.close();
});

async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const found = check();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within 15 s: ${what}; received ${JSON.stringify(deliveries.map((d) => d.body))}`);
}

it("delivers signed events for every create, rotate and delete, and an expiry warning from the cron; survives an outage", async () => {
  const boot = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: "webhooks-e2e", email: "hooks@example.com" }),
  }).then((r) => r.json() as Promise<{ org: { account_id: string }; api_key: { key: string } }>);
  const auth = { Authorization: `Bearer ${boot.api_key.key}`, "Content-Type": "application/json" };
  const hook = await fetch(`${worker.baseUrl}/v1/webhook`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ url: receiverUrl, description: "e2e" }),
  }).then((r) => r.json() as Promise<{ id: string; secret: string }>);
  expect(hook.secret).toMatch(/^whsec_/);
  const verifier = new Webhook(hook.secret);
  const events = () =>
    deliveries
      .filter((d) => d.status < 300)
      .map((d) => verifier.verify(d.body, d.headers) as { type: string; data: Record<string, unknown> });

  const cf = new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: boot.api_key.key, maxRetries: 0 });
  const account_id = boot.org.account_id;
  const token = await cf.zeroTrust.access.serviceTokens.create({ account_id, name: "ci", duration: "720h" });
  await cf.zeroTrust.access.serviceTokens.rotate(token.id!, { account_id });
  await cf.zeroTrust.access.serviceTokens.delete(token.id!, { account_id });
  const seen = await until("created, rotated, deleted", () => {
    const types = events()
      .filter((e) => e.data.id === token.id)
      .map((e) => e.type);
    return types.length >= 3 ? types : undefined;
  });
  expect(seen.sort()).toEqual(["credential.created", "credential.deleted", "credential.rotated"]);

  // The cron (fired as wrangler's --test-scheduled allows): a token expiring in 30 days is warned of.
  const expiring = await cf.zeroTrust.access.serviceTokens.create({ account_id, name: "expiring", duration: "720h" });
  const fired = await fetch(`${worker.baseUrl}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
  expect(fired.status).toBe(200);
  const warning = await until("expiring", () => events().find((e) => e.type === "credential.expiring" && e.data.id === expiring.id));
  expect(warning.data).toMatchObject({ name: "expiring", days_left: 30, threshold_days: 30 });

  // A receiver outage: two 503s, then the same event (same webhook-id) gets through.
  outage = 2;
  const later = await cf.zeroTrust.access.serviceTokens.create({ account_id, name: "during-outage" });
  const attempts = await until("three attempts", () => {
    const mine = deliveries.filter((d) => d.body.includes(later.id!));
    return mine.length >= 3 ? mine : undefined;
  });
  expect(attempts.map((d) => d.status)).toEqual([503, 503, 204]);
  expect(new Set(attempts.map((d) => d.headers["webhook-id"])).size).toBe(1);
  for (const d of attempts) verifier.verify(d.body, d.headers);
  expect(deliveries.every((d) => !d.body.includes(token.client_secret!))).toBe(true);
});
