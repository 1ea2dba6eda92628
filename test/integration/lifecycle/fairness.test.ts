/**
 * Findings of the review of webhooks (a helper attacking the running Worker): one org's backlog
 * delayed another org's deliveries by minutes, a receiver hanging until its timeout held up the
 * rest of its batch, an org could register any number of webhooks (one event, hundreds of
 * requests), and deleting a webhook during an attempt made the consumer log an error.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { call } from "../../helpers/http";
import { createWebhook, newBox, received, waitFor } from "../../helpers/lifecycle";
import { logLines } from "../../helpers/secret-ledger";

describe("webhook fairness and limits", { timeout: 30_000 }, () => {
  it("hands a write's own events to the queue ahead of another org's backlog", async () => {
    const [busy, quiet] = [await account(), await account()];
    const hook = await createWebhook(busy.key, newBox());
    // A backlog of another org's due deliveries, none yet sent (as after a burst).
    const now = Date.now();
    const insert = env.DB.prepare(
      "INSERT INTO webhook_events (id, org_id, type, data, created_at) VALUES (?, ?, 'credential.created', '{}', ?)",
    );
    await env.DB.batch(Array.from({ length: 150 }, (_, i) => insert.bind(`msg_backlog${i}_${now}`, busy.org.id, now - 1000)));
    await env.DB.prepare("UPDATE webhook_deliveries SET enqueued_at = NULL WHERE webhook_id = ?").bind(hook.id).run();
    const box = newBox();
    await createWebhook(quiet.key, box);
    await createToken(quiet);
    await waitFor(box, 1, "the quiet org's delivery");
    await env.DB.prepare("DELETE FROM webhooks WHERE id = ?").bind(hook.id).run();
  });

  it("refuses a 17th webhook in one org (409), and stores nothing for it", async () => {
    const a = await account();
    for (let i = 0; i < 16; i++) await createWebhook(a.key, newBox());
    const over = await call("POST", "/v1/webhook", { token: a.key, body: { url: newBox() } });
    expect(over.status).toBe(409);
    expect(over.body.message).toMatch(/at most 16/);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM webhooks WHERE org_id = ?").bind(a.org.id).first<{ n: number }>())!;
    expect(n).toBe(16);
  });

  it("lets a webhook be deleted while an attempt runs, without an error", async () => {
    const a = await account();
    const box = newBox("fail=99&status=503");
    const hook = await createWebhook(a.key, box);
    const before = logLines.length;
    await createToken(a);
    await waitFor(box, 1);
    expect((await call("DELETE", `/v1/webhook/${hook.id}`, { token: a.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2500)); // the retry would have come by now
    expect((await received(box)).length).toBeLessThanOrEqual(2);
    expect(logLines.slice(before).filter((l) => /webhook delivery|FOREIGN KEY/.test(l))).toEqual([]);
  });
});
