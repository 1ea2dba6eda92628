/**
 * GET /v1/webhook/{webhook_id}/deliveries (src/surfaces/braintrust/webhook/list-webhook-deliveries.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";
import { createWebhook, newBox, waitFor } from "../../../helpers/lifecycle";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const list = (token: string, id: string, query = "") => call("GET", `/v1/webhook/${id}/deliveries${query}`, { token });
const ids = (objects: { id: string }[]) => objects.map((d) => d.id);
const normalised = (text: string, id: string) => text.replaceAll(id, MISSING).replace(/"request_id":"[^"]*"/, "");

/** Outbox events written straight into D1 (the fan-out trigger makes the deliveries), all at `at`: pending, never sent. */
async function seedEvents(orgId: string, count: number, at: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const id = `msg_${crypto.randomUUID().replaceAll("-", "")}`;
    await env.DB.prepare("INSERT INTO webhook_events (id, org_id, type, data, created_at) VALUES (?, ?, 'credential.expired', '{}', ?)")
      .bind(id, orgId, at)
      .run();
  }
}

describe("GET /v1/webhook/{webhook_id}/deliveries", () => {
  it("lists one delivery per event sent to the webhook, newest first, with its status and last attempt", async () => {
    const o = await org();
    const box = newBox();
    const hook = await createWebhook(o.ownerKey, box);
    const deletedOnly = await createWebhook(o.ownerKey, newBox(), { events: ["credential.deleted"] });
    const key = await call("POST", "/v1/api_key", { token: o.ownerKey, body: { name: "first" } });
    await waitFor(box, 1);
    await call("DELETE", `/v1/api_key/${key.body.id}`, { token: o.ownerKey });
    const got = await waitFor(box, 2);
    // recorded after the receiver answered: wait for both to be settled
    let objects: Record<string, unknown>[] = [];
    for (let i = 0; i < 50; i++) {
      objects = (await list(o.ownerKey, hook.id)).body.objects;
      if (objects.every((d) => d.status === "delivered")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const delivered = (type: string, eventId: string) => ({
      id: `${eventId}.${hook.id}`,
      event_id: eventId,
      type,
      status: "delivered",
      attempts: 1,
      created: expect.stringMatching(ISO),
      last_attempt_at: expect.stringMatching(ISO),
      last_status: 204,
      last_error: null,
      next_attempt_at: null,
    });
    const [createdId, deletedId] = got.map((d) => d.headers["webhook-id"]!);
    expect(objects).toEqual([delivered("credential.deleted", deletedId!), delivered("credential.created", createdId!)]);
    // the other webhook wanted deletions only
    const other = await list(o.ownerKey, deletedOnly.id);
    expect(other.body.objects.map((d: { type: string }) => d.type)).toEqual(["credential.deleted"]);
  });

  it("shows a pending delivery with its next attempt", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    const at = Date.now() + 3_600_000; // written straight into the outbox, due in an hour: nothing dispatches it meanwhile
    await seedEvents(o.owner.org.id, 1, at);
    const res = await list(o.ownerKey, hook.id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.objects).toEqual([
      {
        id: expect.stringMatching(new RegExp(`^msg_[0-9a-f]{32}\\.${hook.id}$`)),
        event_id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
        type: "credential.expired",
        status: "pending",
        attempts: 0,
        created: new Date(at).toISOString(),
        last_attempt_at: null,
        last_status: null,
        last_error: null,
        next_attempt_at: new Date(at).toISOString(),
      },
    ]);
  });

  it("pages with limit (default 50, at most 200) and starting_after", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    const base = Date.now() + 3_600_000;
    for (let i = 0; i < 205; i++) await seedEvents(o.owner.org.id, 1, base + i);
    const first = await list(o.ownerKey, hook.id);
    expect(first.body.objects).toHaveLength(50);
    const created = first.body.objects.map((d: { created: string }) => Date.parse(d.created));
    expect(created).toEqual([...created].sort((a, b) => b - a));
    expect(created[0]).toBe(base + 204);
    expect((await list(o.ownerKey, hook.id, "?limit=1000")).body.objects).toHaveLength(200);
    expect((await list(o.ownerKey, hook.id, "?limit=0")).body.objects).toEqual([]);
    const walked: string[] = [];
    let query = "?limit=60";
    for (let pages = 0; pages < 10; pages++) {
      const page = (await list(o.ownerKey, hook.id, query)).body.objects;
      if (!page.length) break;
      walked.push(...ids(page));
      query = `?limit=60&starting_after=${page.at(-1).id}`;
    }
    expect(walked).toHaveLength(205);
    expect(new Set(walked).size).toBe(205);
    expect(walked.slice(0, 50)).toEqual(ids(first.body.objects));
    expect((await list(o.ownerKey, hook.id, `?starting_after=msg_${"0".repeat(32)}.${hook.id}`)).body.objects).toEqual([]);
  });

  // Found by the tests: the cursor once continued with `created_at <= cursor's AND id != cursor`, which
  // repeated deliveries of the cursor's millisecond (events of one statement share one) and looped.
  it("pages through deliveries created in the same millisecond without repeating one", async () => {
    const o = await org();
    const hook = await createWebhook(o.ownerKey, newBox());
    await seedEvents(o.owner.org.id, 4, Date.now() + 3_600_000);
    const all = ids((await list(o.ownerKey, hook.id)).body.objects);
    expect(all).toHaveLength(4);
    const walked: string[] = [];
    let query = "?limit=1";
    for (let pages = 0; pages < 8; pages++) {
      const page = (await list(o.ownerKey, hook.id, query)).body.objects;
      if (!page.length) break;
      walked.push(...ids(page));
      query = `?limit=1&starting_after=${page.at(-1).id}`;
    }
    expect(walked).toEqual(all);
  });

  it("refuses bad parameters naming them; another org's webhook answers as a missing one; a member gets 403", async () => {
    const o = await org();
    const other = await org();
    const ours = await createWebhook(o.ownerKey, newBox());
    const theirs = await createWebhook(other.ownerKey, newBox());
    for (const [query, field] of [
      ["?limit=x", "limit"],
      ["?limit=-1", "limit"],
      ["?starting_after=a%20b", "starting_after"],
      [`?starting_after=${"x".repeat(129)}`, "starting_after"],
    ]) {
      const res = await list(o.ownerKey, ours.id, query);
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({ error: "invalid_request", field });
    }
    expect((await list(o.ownerKey, "nope")).body).toMatchObject({ error: "invalid_request", field: "webhook_id" });
    const cross = await list(o.ownerKey, theirs.id);
    const missing = await list(o.ownerKey, MISSING);
    expect(cross.status).toBe(404);
    expect(normalised(cross.text, theirs.id)).toBe(normalised(missing.text, MISSING));
    const member = await list(o.memberKey, ours.id, `?org_name=${o.orgName}`);
    expect(member.status).toBe(403);
  });
});
