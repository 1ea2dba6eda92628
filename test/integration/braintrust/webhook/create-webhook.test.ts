/**
 * POST /v1/webhook (src/surfaces/braintrust/webhook/create-webhook.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SecretBox } from "../../../../src/core/webhooks/secret-box";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call } from "../../../helpers/http";
import { newBox } from "../../../helpers/lifecycle";

/** `whsec_` + base64 of 32 bytes (Standard Webhooks). */
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const ALL_EVENTS = [
  "credential.created",
  "credential.rotated",
  "credential.deleted",
  "credential.expiring",
  "credential.expired",
  "credential.inactive",
];

const create = (token: string, body: Record<string, unknown>) => call("POST", "/v1/webhook", { token, body });
const listed = async (token: string) => (await call("GET", "/v1/webhook", { token })).body.objects as { id: string }[];
const hex = (text: string) =>
  [...new TextEncoder().encode(text)]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();
const bytesHex = (bytes: Uint8Array) =>
  [...bytes]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("")
    .toUpperCase();

describe("POST /v1/webhook", () => {
  it("creates a webhook with every field and its secret, shown once, stored sealed", async () => {
    const o = await org();
    const url = newBox();
    const res = await create(o.ownerKey, { url, events: ["credential.deleted", "credential.created"], description: "Slack relay" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      url,
      events: ["credential.deleted", "credential.created"],
      description: "Slack relay",
      created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      secret: expect.stringMatching(SECRET),
      org_id: o.owner.org.id,
      disabled_at: null,
      disabled_reason: null,
      previous_secret_expires_at: null,
    });
    expect(Math.abs(Date.parse(res.body.created) - Date.now())).toBeLessThan(60_000);
    const raw = Uint8Array.from(atob(res.body.secret.slice(6)), (c) => c.charCodeAt(0));
    expect(raw).toHaveLength(32);
    // never again: not by id, not in the list
    const got = await call("GET", `/v1/webhook/${res.body.id}`, { token: o.ownerKey });
    const { secret, ...rest } = res.body;
    expect(got.body).toEqual(rest);
    expect((await call("GET", "/v1/webhook", { token: o.ownerKey })).body).toEqual({ objects: [rest] });
    // at rest: sealed (IV ‖ ciphertext ‖ tag), neither the text nor its key bytes in clear
    const row = await env.DB.prepare(
      "SELECT hex(secret_enc) AS h, length(secret_enc) AS n, prev_secret_enc AS p FROM webhooks WHERE id = ?",
    )
      .bind(res.body.id)
      .first<{ h: string; n: number; p: unknown }>();
    expect(row!.n).toBe(12 + secret.length + 16);
    expect(row!.h).not.toContain(hex(secret.slice(6)));
    expect(row!.h).not.toContain(bytesHex(raw.slice(0, 16)));
    expect(row!.h).not.toContain(bytesHex(raw.slice(16)));
    expect(row!.p).toBeNull();
    // and it opens, with the deployment's key and for this row only, to the secret answered
    const stored = await env.DB.prepare("SELECT secret_enc FROM webhooks WHERE id = ?")
      .bind(res.body.id)
      .first<{ secret_enc: ArrayBuffer }>();
    const box = new SecretBox(env.WEBHOOK_ENCRYPTION_KEY);
    expect(await box.open(res.body.id, stored!.secret_enc)).toBe(secret);
    await expect(box.open(o.owner.org.id, stored!.secret_enc)).rejects.toThrow();
  });

  it("delivers every event type when events is absent, null or empty, answered as null; duplicates are kept once", async () => {
    const o = await org();
    for (const events of [undefined, null, []]) {
      const res = await create(o.ownerKey, { url: newBox(), events });
      expect(res.status, res.text).toBe(200);
      expect(res.body.events, JSON.stringify(events)).toBeNull();
      expect(res.body.description).toBeNull();
    }
    const all = await create(o.ownerKey, { url: newBox(), events: [...ALL_EVENTS, "credential.created"] });
    expect(all.body.events).toEqual(ALL_EVENTS);
  });

  it("refuses bad input naming the field, and creates nothing", async () => {
    const o = await org();
    const url = "https://hooks.example.com/x";
    const cases: [Record<string, unknown>, string, RegExp?][] = [
      [{}, "url"],
      [{ url: 1 }, "url"],
      [{ url: "" }, "url"],
      [{ url: "ftp://hooks.example.com/x" }, "url", /https URL/],
      [{ url: "hooks.example.com/x" }, "url", /absolute URL/],
      [{ url: "/x" }, "url", /absolute URL/],
      [{ url: "https://user:pw@hooks.example.com/x" }, "url", /credentials/],
      [{ url: "https://hooks.example.com/x#frag" }, "url", /fragment/],
      [{ url: " https://hooks.example.com/x" }, "url", /whitespace/],
      [{ url: "https://hooks.example.com/a\tb" }, "url"],
      [{ url: "https://hooks.example.com/\u0000" }, "url"],
      [{ url: `https://hooks.example.com/${"x".repeat(2049 - 26)}` }, "url"],
      [{ url, events: ["credential.created", "credential.exploded"] }, "events[1]"],
      [{ url, events: "credential.created" }, "events"],
      [{ url, events: [1] }, "events[0]"],
      [{ url, description: "" }, "description"],
      [{ url, description: "x".repeat(257) }, "description"],
      [{ url, description: "line\nforged" }, "description"],
      [{ url, description: "a\ud800b" }, "description"],
      [{ url, description: 5 }, "description"],
      [{ url, org_name: false }, "org_name"],
    ];
    for (const [body, field, message] of cases) {
      const res = await create(o.ownerKey, body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect(res.body, JSON.stringify(body).slice(0, 100)).toMatchObject({
        error: "invalid_request",
        field,
        message: message ?? expect.any(String),
      });
    }
    // a URL of exactly 2048 characters and a description of 256 are fine
    const longest = `https://hooks.example.com/${"x".repeat(2048 - 26)}`;
    const ok = await create(o.ownerKey, { url: longest, description: "é".repeat(256) });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.url).toBe(longest);
    expect(await listed(o.ownerKey)).toHaveLength(1);
    await call("DELETE", `/v1/webhook/${ok.body.id}`, { token: o.ownerKey });
  });

  it("requires an owner's credential: a member gets 403, another org's name 403, and nothing is created", async () => {
    const o = await org();
    const other = await org();
    const member = await create(o.memberKey, { url: newBox(), org_name: o.orgName });
    expect(member.status).toBe(403);
    expect(member.body).toMatchObject({ error: "forbidden", message: expect.stringMatching(/Managing webhooks requires an org owner/) });
    const elsewhere = await create(o.ownerKey, { url: newBox(), org_name: other.orgName });
    expect(elsewhere.status).toBe(403);
    expect(await listed(o.ownerKey)).toEqual([]);
    expect(await listed(other.ownerKey)).toEqual([]);
  });

  it("acts in the org named by org_name when the caller belongs to it", async () => {
    const o = await org();
    // the owner's user becomes owner of a second org too (bootstrap with the same email)
    const second = await call("POST", "/admin/bootstrap", {
      token: "test-admin-token",
      body: { org_name: `${o.orgName}-2`, email: o.owner.user.email },
    });
    expect(second.status, second.text).toBe(200);
    const res = await create(o.ownerKey, { url: newBox(), org_name: second.body.org.name });
    expect(res.status, res.text).toBe(200);
    expect(res.body.org_id).toBe(second.body.org.id);
    expect(await listed(o.ownerKey)).toEqual([]);
    expect((await call("GET", `/v1/webhook/${res.body.id}`, { token: o.ownerKey })).status).toBe(404);
    const there = await call("GET", `/v1/webhook/${res.body.id}?org_name=${second.body.org.name}`, { token: o.ownerKey });
    expect(there.body.id).toBe(res.body.id);
  });

  it("is audited as webhook.create, with the URL and events but no secret", async () => {
    const o = await org();
    const url = newBox();
    const res = await create(o.ownerKey, { url, events: ["credential.expiring"] });
    const audit = await call("GET", `/v1/audit_events?target_id=${res.body.id}`, { token: o.ownerKey });
    expect(audit.body.objects).toEqual([
      expect.objectContaining({
        action: "webhook.create",
        target_type: "webhook",
        target_id: res.body.id,
        org_id: o.owner.org.id,
        actor_principal_id: o.owner.user.id,
        actor_credential_id: o.owner.api_key.id,
        changes: { url, events: ["credential.expiring"] },
      }),
    ]);
    expect(audit.text).not.toContain(res.body.secret.slice(6));
  });
});
