/**
 * DELETE /v1/webhook/{webhook_id} (src/surfaces/braintrust/webhook/delete-webhook.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";
import { createWebhook, deliveries, newBox, received, waitFor } from "../../../helpers/lifecycle";

const normalised = (text: string, id: string) => text.replaceAll(id, MISSING).replace(/"request_id":"[^"]*"/, "");
const deliveryRows = async (webhookId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE webhook_id = ?").bind(webhookId).first<{ n: number }>())!.n;

describe("DELETE /v1/webhook/{webhook_id}", () => {
  it("answers the deleted webhook, which is gone with its deliveries, and is audited", async () => {
    const o = await org();
    const box = newBox();
    const hook = await createWebhook(o.ownerKey, box, { description: "doomed" });
    await call("POST", "/v1/api_key", { token: o.ownerKey, body: { name: "one event" } });
    await waitFor(box, 1);
    expect(await deliveries(o.ownerKey, hook.id)).toHaveLength(1);
    const before = (await call("GET", `/v1/webhook/${hook.id}`, { token: o.ownerKey })).body;
    const res = await call("DELETE", `/v1/webhook/${hook.id}`, { token: o.ownerKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(before);
    expect(res.text).not.toContain("whsec_");
    expect((await call("GET", `/v1/webhook/${hook.id}`, { token: o.ownerKey })).status).toBe(404);
    expect((await call("GET", `/v1/webhook/${hook.id}/deliveries`, { token: o.ownerKey })).status).toBe(404);
    expect((await call("GET", "/v1/webhook", { token: o.ownerKey })).body.objects).toEqual([]);
    expect(await deliveryRows(hook.id)).toBe(0);
    const again = await call("DELETE", `/v1/webhook/${hook.id}`, { token: o.ownerKey });
    expect(again.status).toBe(404);
    expect(again.body.message).toBe(`Webhook "${hook.id}" not found`);
    const audit = await call("GET", `/v1/audit_events?target_id=${hook.id}`, { token: o.ownerKey });
    expect(audit.body.objects.map((e: { action: string }) => e.action)).toEqual(["webhook.delete", "webhook.create"]);
    expect(audit.body.objects[0]).toMatchObject({ target_type: "webhook", actor_principal_id: o.owner.user.id, changes: { url: box } });
    // nothing more arrives for the org's next change
    await call("POST", "/v1/api_key", { token: o.ownerKey, body: { name: "unheard" } });
    await new Promise((r) => setTimeout(r, 300));
    expect(await received(box)).toHaveLength(1);
  });

  it("deletes nothing of another org's, answering as for a missing id; a member gets 403", async () => {
    const o = await org();
    const other = await org();
    const theirs = await createWebhook(other.ownerKey, newBox());
    const cross = await call("DELETE", `/v1/webhook/${theirs.id}`, { token: o.ownerKey });
    const missing = await call("DELETE", `/v1/webhook/${MISSING}`, { token: o.ownerKey });
    expect(cross.status).toBe(404);
    expect(normalised(cross.text, theirs.id)).toBe(normalised(missing.text, MISSING));
    expect((await call("GET", `/v1/webhook/${theirs.id}`, { token: other.ownerKey })).status).toBe(200);
    const ours = await createWebhook(o.ownerKey, newBox());
    const member = await call("DELETE", `/v1/webhook/${ours.id}?org_name=${o.orgName}`, { token: o.memberKey });
    expect(member.status).toBe(403);
    expect((await call("GET", `/v1/webhook/${ours.id}`, { token: o.ownerKey })).status).toBe(200);
    const audit = await call("GET", "/v1/audit_events?action=webhook.delete", { token: other.ownerKey });
    expect(audit.body.objects).toEqual([]);
  });
});
