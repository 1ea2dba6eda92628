/**
 * Lifecycle events end to end inside workerd: a change writes its event in its
 * own batch (outbox), the response hands it to the queue, the consumer signs it
 * as Standard Webhooks and POSTs it to a local receiver, which verifies it with
 * the `standardwebhooks` package. Failures are retried with the same
 * `webhook-id`, a spent schedule goes to the dead-letter queue, 410 disables.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { call } from "../../helpers/http";
import { createWebhook, deliveries, eventsOf, newBox, received, verified, waitFor } from "../../helpers/lifecycle";

const eventually = async (check: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within 10 s: ${what}`);
};

// Retries wait 1 s each (WEBHOOK_RETRY_SCHEDULE in vitest.config.ts), and the queue batches for up to 1 s.
// The tests wait on those clocks, each with its own account and receiver box: they run side by side.
describe.concurrent("webhook delivery", { timeout: 30_000 }, () => {
  it("delivers created, rotated and deleted, signed and verifiable, with no secret in the data", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box);
    const token = await createToken(a, { name: "deploy" });
    const rotated = await cf("POST", `${a.base}/${token.id}/rotate`, { token: a.key, body: {} });
    await cf("DELETE", `${a.base}/${token.id}`, { token: a.key });
    const key = await call("POST", "/v1/api_key", { token: a.key, body: { name: "laptop" } });
    const got = await waitFor(box, 4);
    const events = eventsOf(hook.secret, got);
    expect(events.map((e) => e.type).sort()).toEqual([
      "credential.created",
      "credential.created",
      "credential.deleted",
      "credential.rotated",
    ]);
    const created = events.find((e) => e.type === "credential.created" && e.data.kind === "access_token")!;
    expect(created.data).toMatchObject({
      kind: "access_token",
      id: token.id,
      name: "deploy",
      org_id: a.org.id,
      client_id: token.client_id,
    });
    expect(Date.parse(created.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(events.find((e) => e.data.kind === "api_key")!.data).toMatchObject({ id: key.body.id, name: "laptop" });
    const text = got.map((d) => d.body).join("\n");
    for (const secret of [token.client_secret, rotated.body.result.client_secret, key.body.key]) expect(text).not.toContain(secret);
    // Standard Webhooks headers: an id per event, this attempt's time, and the signature.
    for (const d of got) {
      expect(d.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Math.abs(Number(d.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);
      expect(d.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    // A tampered body or another secret does not verify.
    expect(() => verified(hook.secret, { ...got[0]!, body: got[0]!.body.replace("credential", "kredential") })).toThrow();
    expect(() => verified(`whsec_${btoa("x".repeat(32))}`, got[0]!)).toThrow();
  });

  it("filters by event type", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box, { events: ["credential.deleted"] });
    const token = await createToken(a);
    await cf("DELETE", `${a.base}/${token.id}`, { token: a.key });
    const [only] = await waitFor(box, 1);
    expect(verified(hook.secret, only!).type).toBe("credential.deleted");
    await new Promise((r) => setTimeout(r, 500));
    expect(await received(box)).toHaveLength(1);
  });

  it("retries a receiver that fails twice, with the same webhook-id each time, and records each attempt", async () => {
    const a = await account();
    const box = newBox("fail=2");
    const hook = await createWebhook(a.key, box);
    await createToken(a);
    const got = await waitFor(box, 3);
    expect(got.map((d) => d.status)).toEqual([500, 500, 204]);
    expect(new Set(got.map((d) => d.headers["webhook-id"])).size).toBe(1);
    expect(new Set(got.map((d) => d.headers["webhook-timestamp"])).size).toBeGreaterThan(1);
    for (const d of got) verified(hook.secret, d); // every attempt is signed for its own timestamp
    await eventually(async () => (await deliveries(a.key, hook.id))[0]?.status === "delivered", "delivered");
    const [delivery] = await deliveries(a.key, hook.id);
    expect(delivery).toMatchObject({
      event_id: got[0]!.headers["webhook-id"],
      type: "credential.created",
      status: "delivered",
      attempts: 3,
      next_attempt_at: null,
    });
    const attempts = await env.DB.prepare("SELECT attempt, status FROM webhook_attempts WHERE delivery_id LIKE ? ORDER BY attempt")
      .bind(`${delivery!.event_id}.%`)
      .all();
    expect(attempts.results).toEqual([
      { attempt: 1, status: 500 },
      { attempt: 2, status: 500 },
      { attempt: 3, status: 204 },
    ]);
  });

  it("sends what exhausts its retries to the dead-letter queue and disables the endpoint, telling the owner", async () => {
    const a = await account();
    const box = newBox("fail=99");
    const hook = await createWebhook(a.key, box);
    await createToken(a);
    await waitFor(box, 3);
    await eventually(async () => (await deliveries(a.key, hook.id))[0]?.status === "dead", "dead");
    const webhook = (await call("GET", `/v1/webhook/${hook.id}`, { token: a.key })).body;
    expect(webhook.disabled_at).not.toBeNull();
    const audit = await call("GET", `/v1/audit_events?target_id=${hook.id}&action=webhook.disable`, { token: a.key });
    expect(audit.body.objects).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(box)).toHaveLength(3); // no fourth attempt
  });

  it("disables an endpoint that answers 410 Gone at once", async () => {
    const a = await account();
    const box = newBox("fail=99&status=410");
    const hook = await createWebhook(a.key, box);
    await createToken(a);
    await waitFor(box, 1);
    await eventually(async () => (await call("GET", `/v1/webhook/${hook.id}`, { token: a.key })).body.disabled_at !== null, "disabled");
    expect((await deliveries(a.key, hook.id))[0]).toMatchObject({ status: "failed", attempts: 1 });
    // A disabled endpoint gets nothing more.
    await createToken(a);
    await new Promise((r) => setTimeout(r, 700));
    expect(await received(box)).toHaveLength(1);
  });

  it("signs with the old and the new secret while a rotation's grace lasts", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box);
    const rotated = await call("POST", `/v1/webhook/${hook.id}/rotate_secret`, { token: a.key, body: {} });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    await createToken(a);
    const [delivery] = await waitFor(box, 1);
    expect(delivery!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(verified(hook.secret, delivery!).type).toBe("credential.created");
    expect(verified(rotated.body.secret, delivery!).type).toBe("credential.created");
  });
});
