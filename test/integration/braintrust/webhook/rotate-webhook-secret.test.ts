/**
 * POST /v1/webhook/{webhook_id}/rotate_secret (src/surfaces/braintrust/webhook/rotate-webhook-secret.ts).
 * That deliveries are signed with both secrets during the grace is end-to-end in
 * test/integration/lifecycle/webhook-delivery.test.ts.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../../../../src/core/webhooks/secret-box";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";
import { createWebhook, newBox } from "../../../helpers/lifecycle";

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const rotate = (
  token: string,
  id: string,
  opts: { body?: unknown; rawBody?: string; headers?: Record<string, string>; query?: string } = {},
) => call("POST", `/v1/webhook/${id}/rotate_secret${opts.query ?? ""}`, { token, ...opts });
const sealed = (id: string) =>
  env.DB.prepare(
    "SELECT hex(secret_enc) AS current, iif(prev_secret_enc IS NULL, NULL, hex(prev_secret_enc)) AS previous, prev_expires_at AS until FROM webhooks WHERE id = ?",
  )
    .bind(id)
    .first<{ current: string; previous: string | null; until: number | null }>();
const normalised = (text: string, id: string) => text.replaceAll(id, MISSING).replace(/"request_id":"[^"]*"/, "");

describe("POST /v1/webhook/{webhook_id}/rotate_secret", () => {
  it("answers the webhook with a new secret; without a body the old one signs for a day more", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox(), { description: "rotated" });
    const before = await sealed(hook.id);
    const start = Date.now();
    const res = await rotate(o.ownerKey, hook.id);
    expect(res.status, res.text).toBe(200);
    const { created: _created, ...unchanged } = (await call("GET", `/v1/webhook/${hook.id}`, { token: o.ownerKey })).body;
    expect(res.body).toEqual({
      ...unchanged,
      created: expect.any(String),
      secret: expect.stringMatching(SECRET),
      previous_secret_expires_at: expect.any(String),
    });
    expect(res.body.secret).not.toBe(hook.secret);
    const until = Date.parse(res.body.previous_secret_expires_at);
    expect(until).toBeGreaterThanOrEqual(start + 86_400_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 86_400_000 + 1000);
    // read back alike, without the secret
    const read = await call("GET", `/v1/webhook/${hook.id}`, { token: o.ownerKey });
    expect(read.body.previous_secret_expires_at).toBe(res.body.previous_secret_expires_at);
    expect(read.text).not.toContain("whsec_");
    // the old sealed secret is kept as the previous one, the new one sealed anew
    const after = await sealed(hook.id);
    expect(after!.previous).toBe(before!.current);
    expect(after!.current).not.toBe(before!.current);
    expect(after!.until).toBe(until);
    // an empty JSON object is the same as no body
    const again = await rotate(o.ownerKey, hook.id, { body: {} });
    expect(again.status, again.text).toBe(200);
    // a second rotation retires the first secret at once: only the one just replaced stays as previous
    expect((await sealed(hook.id))!.previous).toBe(after!.current);
  });

  it("keeps one consistent pair of secrets under concurrent rotations: each answers its new secret or 409", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    const answers = await Promise.all(Array.from({ length: 6 }, () => rotate(o.ownerKey, hook.id)));
    for (const a of answers) expect([200, 409], a.text).toContain(a.status);
    const won = answers.filter((a) => a.status === 200).map((a) => a.body.secret as string);
    expect(won.length).toBeGreaterThan(0);
    for (const a of answers.filter((a) => a.status === 409)) expect(a.body).toMatchObject({ error: "conflict" });
    // what is sealed is what was answered: the last winner's secret, and before it the previous winner's (or the first)
    const row = await env.DB.prepare("SELECT secret_enc, prev_secret_enc FROM webhooks WHERE id = ?")
      .bind(hook.id)
      .first<{ secret_enc: ArrayBuffer; prev_secret_enc: ArrayBuffer }>();
    const box = new SecretBox(env.WEBHOOK_ENCRYPTION_KEY);
    const current = await box.open(hook.id, row!.secret_enc);
    expect(won).toContain(current);
    expect([hook.secret, ...won].filter((s) => s !== current)).toContain(await box.open(hook.id, row!.prev_secret_enc));
  });

  it("takes grace_period_seconds from 0 (retired at once) to 7 days", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    const now = await rotate(o.ownerKey, hook.id, { body: { grace_period_seconds: 0 } });
    expect(now.status, now.text).toBe(200);
    expect(now.body.previous_secret_expires_at).toBeNull();
    expect((await sealed(hook.id))!.previous).toBeNull();
    const week = await rotate(o.ownerKey, hook.id, { body: { grace_period_seconds: 604_800 } });
    expect(week.status, week.text).toBe(200);
    expect(Date.parse(week.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(604_800_000 - 60_000);
    const minute = await rotate(o.ownerKey, hook.id, { body: { grace_period_seconds: 60 } });
    expect(Date.parse(minute.body.previous_secret_expires_at) - Date.now()).toBeLessThanOrEqual(60_000);
    expect(new Set([hook.secret, now.body.secret, week.body.secret, minute.body.secret]).size).toBe(4);
  });

  it("refuses a bad grace or body naming it, and rotates nothing", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    const before = await sealed(hook.id);
    for (const grace of [-1, 604_801, 1.5, "60", null]) {
      const res = await rotate(o.ownerKey, hook.id, { body: { grace_period_seconds: grace } });
      expect(res.status, JSON.stringify(grace)).toBe(400);
      expect(res.body, JSON.stringify(grace)).toMatchObject({ error: "invalid_request", field: "grace_period_seconds" });
    }
    const malformed = await rotate(o.ownerKey, hook.id, { rawBody: "{", headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    const text = await rotate(o.ownerKey, hook.id, { rawBody: "grace=1", headers: { "Content-Type": "text/plain" } });
    expect(text.status).toBe(400);
    expect(await sealed(hook.id)).toEqual(before);
  });

  it("rotates nothing of another org's, answering as for a missing id; a member gets 403; audited", async () => {
    const o = await org();
    const other = await org();
    const theirs = await createWebhook(other.ownerKey, newBox());
    const before = await sealed(theirs.id);
    const cross = await rotate(o.ownerKey, theirs.id);
    const missing = await rotate(o.ownerKey, MISSING);
    expect(cross.status).toBe(404);
    expect(normalised(cross.text, theirs.id)).toBe(normalised(missing.text, MISSING));
    expect(cross.text).not.toContain("whsec_");
    expect(await sealed(theirs.id)).toEqual(before);
    const ours = await createWebhook(o.ownerKey, newBox());
    const member = await rotate(o.memberKey, ours.id, { query: `?org_name=${o.orgName}` });
    expect(member.status).toBe(403);
    expect(member.text).not.toContain("whsec_");
    const res = await rotate(o.ownerKey, ours.id, { body: { grace_period_seconds: 3600 } });
    const audit = await call("GET", `/v1/audit_events?target_id=${ours.id}&action=webhook.rotate_secret`, { token: o.ownerKey });
    expect(audit.body.objects).toEqual([
      expect.objectContaining({
        action: "webhook.rotate_secret",
        target_type: "webhook",
        target_id: ours.id,
        actor_principal_id: o.owner.user.id,
        changes: { previous_secret_expires_at: Date.parse(res.body.previous_secret_expires_at) },
      }),
    ]);
    expect(audit.text).not.toContain(res.body.secret.slice(6));
  });
});
