/**
 * GET /v1/webhook/{webhook_id} (src/surfaces/braintrust/webhook/get-webhook.ts).
 */
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";
import { createWebhook, newBox } from "../../../helpers/lifecycle";

/** An answer without its request id, and with `id` standing for MISSING: "another org's" must read exactly as "none". */
const normalised = (text: string, id: string) => text.replaceAll(id, MISSING).replace(/"request_id":"[^"]*"/, "");

describe("GET /v1/webhook/{webhook_id}", () => {
  it("answers the webhook with every field but the secret", async () => {
    const o = await org();
    const url = newBox();
    const hook = await createWebhook(o.ownerKey, url, { events: ["credential.rotated"], description: "rotations" });
    const res = await call("GET", `/v1/webhook/${hook.id}`, { token: o.ownerKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: hook.id,
      url,
      events: ["credential.rotated"],
      description: "rotations",
      created: expect.any(String),
      org_id: o.owner.org.id,
      disabled_at: null,
      disabled_reason: null,
      previous_secret_expires_at: null,
    });
    expect(res.text).not.toContain(hook.secret.slice(6));
  });

  it("answers another org's webhook exactly like a missing one, and a member 403", async () => {
    const o = await org();
    const other = await org();
    const theirs = await createWebhook(other.ownerKey, newBox());
    const cross = await call("GET", `/v1/webhook/${theirs.id}`, { token: o.ownerKey });
    const missing = await call("GET", `/v1/webhook/${MISSING}`, { token: o.ownerKey });
    expect(cross.status).toBe(404);
    expect(missing.body).toMatchObject({ error: "not_found", message: `Webhook "${MISSING}" not found` });
    expect(normalised(cross.text, theirs.id)).toBe(normalised(missing.text, MISSING));
    const ours = await createWebhook(o.ownerKey, newBox());
    const member = await call("GET", `/v1/webhook/${ours.id}?org_name=${o.orgName}`, { token: o.memberKey });
    expect(member.status).toBe(403);
    expect(member.text).not.toContain(ours.id);
    expect((await call("GET", `/v1/webhook/${theirs.id}?org_name=${other.orgName}`, { token: o.ownerKey })).status).toBe(403);
  });

  it("refuses an id that is not a UUID", async () => {
    const o = await org();
    const res = await call("GET", "/v1/webhook/not-a-uuid", { token: o.ownerKey });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: "invalid_request", field: "webhook_id" });
  });
});
