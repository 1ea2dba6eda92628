/**
 * GET /v1/webhook (src/surfaces/braintrust/webhook/list-webhooks.ts).
 */
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call, MISSING } from "../../../helpers/http";
import { createWebhook, newBox } from "../../../helpers/lifecycle";

const ids = (objects: { id: string }[]) => objects.map((w) => w.id);

describe("GET /v1/webhook", () => {
  it("lists the org's webhooks newest first, without secrets, and pages with cursors", async () => {
    const o = await org();
    const created: string[] = [];
    const secrets: string[] = [];
    for (let i = 0; i < 7; i++) {
      const hook = await createWebhook(o.ownerKey, newBox(), { description: `hook ${i}` });
      created.unshift(hook.id);
      secrets.push(hook.secret);
    }
    const all = await call("GET", "/v1/webhook", { token: o.ownerKey });
    expect(all.status, all.text).toBe(200);
    expect(ids(all.body.objects)).toEqual(created);
    expect(Object.keys(all.body.objects[0]).sort()).toEqual([
      "created",
      "description",
      "disabled_at",
      "disabled_reason",
      "events",
      "id",
      "org_id",
      "previous_secret_expires_at",
      "url",
    ]);
    expect(all.body.objects[0].description).toBe("hook 6");
    for (const secret of secrets) expect(all.text).not.toContain(secret.slice(6));
    expect(all.text).not.toContain("whsec_");

    const walked: string[] = [];
    let query = "?limit=3";
    for (let pages = 0; pages < 10; pages++) {
      const page = (await call("GET", `/v1/webhook${query}`, { token: o.ownerKey })).body.objects;
      if (!page.length) break;
      walked.push(...ids(page));
      query = `?limit=3&starting_after=${page.at(-1).id}`;
    }
    expect(walked).toEqual(created);
    const back = await call("GET", `/v1/webhook?limit=2&ending_before=${created[4]}`, { token: o.ownerKey });
    expect(ids(back.body.objects)).toEqual(created.slice(2, 4));
    expect(ids((await call("GET", `/v1/webhook?ending_before=${created[0]}`, { token: o.ownerKey })).body.objects)).toEqual([]);
    expect(ids((await call("GET", `/v1/webhook?starting_after=${created[6]}`, { token: o.ownerKey })).body.objects)).toEqual([]);
    expect((await call("GET", "/v1/webhook?limit=0", { token: o.ownerKey })).body.objects).toEqual([]);
    expect(ids((await call("GET", "/v1/webhook?limit=5000", { token: o.ownerKey })).body.objects)).toEqual(created);
    // an empty value is not given (the official client sends `limit=`)
    expect(ids((await call("GET", "/v1/webhook?limit=&org_name=", { token: o.ownerKey })).body.objects)).toEqual(created);
    expect(ids((await call("GET", `/v1/webhook?org_name=${o.orgName}`, { token: o.ownerKey })).body.objects)).toEqual(created);
  });

  it("refuses bad parameters naming them", async () => {
    const o = await org();
    const cases: [string, string][] = [
      ["?limit=x", "limit"],
      ["?limit=-1", "limit"],
      ["?limit=1.5", "limit"],
      ["?starting_after=nope", "starting_after"],
      ["?ending_before=1", "ending_before"],
      [`?starting_after=${MISSING}&ending_before=${MISSING}`, "ending_before"],
    ];
    for (const [query, field] of cases) {
      const res = await call("GET", `/v1/webhook${query}`, { token: o.ownerKey });
      expect(res.status, query).toBe(400);
      expect(res.body, query).toMatchObject({ error: "invalid_request", field });
    }
  });

  it("is for owners only, and never shows another org's webhooks", async () => {
    const o = await org();
    const other = await org();
    const theirs = await createWebhook(other.ownerKey, newBox());
    const member = await call("GET", `/v1/webhook?org_name=${o.orgName}`, { token: o.memberKey });
    expect(member.status).toBe(403);
    expect(member.body.message).toMatch(/Managing webhooks requires an org owner/);
    expect((await call("GET", "/v1/webhook", { token: o.ownerKey })).body.objects).toEqual([]);
    expect((await call("GET", `/v1/webhook?starting_after=${MISSING.replace(/^0/, "f")}`, { token: o.ownerKey })).body.objects).toEqual([]);
    const named = await call("GET", `/v1/webhook?org_name=${other.orgName}`, { token: o.ownerKey });
    expect(named.status).toBe(403);
    expect(named.text).not.toContain(theirs.id);
  });
});
