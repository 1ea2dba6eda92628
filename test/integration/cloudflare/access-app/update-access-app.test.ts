/**
 * PUT /accounts/{account_id}/access/apps/{app_id}
 * (src/surfaces/cloudflare/access-app/update-access-app.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, expectRefused, host, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("PUT .../access/apps/{app_id}", () => {
  it("replaces the application whole; id, AUD tag and created_at stay; policies stay when absent", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { name: "Old", session_duration: "2h", tags: ["old"], policies: [policyBody()] });
    const domain = host(a);
    const res = await cf("PUT", `${a.apps}/${app.id}`, {
      token: a.key,
      body: { type: "self_hosted", domain, app_launcher_visible: false, aud: "0".repeat(64), id: MISSING },
    });
    expect(res.status, res.text).toBe(200);
    const updated = res.body.result;
    expect(updated).toEqual({
      id: app.id,
      aud: app.aud,
      name: domain,
      domain,
      type: "self_hosted",
      session_duration: "24h",
      app_launcher_visible: false,
      policies: app.policies,
      created_at: app.created_at,
      updated_at: expect.any(String),
    });
    expect(Date.parse(updated.updated_at)).toBeGreaterThanOrEqual(Date.parse(app.created_at as string));
    expect((await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result).toEqual(updated);
  });

  it("replaces policies when given: inline ones left out are deleted, [] clears, and links replace inline ones", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody({ name: "kept" }), policyBody({ name: "dropped" })] });
    const [kept, dropped] = app.policies;
    const put = (policies: unknown[]) =>
      cf("PUT", `${a.apps}/${app.id}`, { token: a.key, body: { type: "self_hosted", domain: app.domain, policies } });
    const edited = await put([{ ...policyBody({ name: "kept, renamed" }), id: kept!.id }]);
    expect(edited.status, edited.text).toBe(200);
    expect(edited.body.result.policies).toMatchObject([
      { id: kept!.id, name: "kept, renamed", precedence: 1, created_at: kept!.created_at },
    ]);
    expect((await cf("GET", `${a.apps}/${app.id}/policies/${dropped!.id}`, { token: a.key })).status).toBe(404);
    const reusable = await createPolicy(a);
    const linked = await put([reusable.id]);
    expect(linked.body.result.policies).toMatchObject([{ id: reusable.id, reusable: true, precedence: 1 }]);
    expect((await cf("GET", `${a.apps}/${app.id}/policies/${kept!.id}`, { token: a.key })).status).toBe(404);
    const cleared = await put([]);
    expect(cleared.body.result.policies).toEqual([]);
    expect((await cf("GET", `${a.policies}/${reusable.id}`, { token: a.key })).body.result.app_count).toBe(0);
  });

  it("refuses bad input and a taken host, changing nothing", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { name: "Same" });
    const other = await createApp(a);
    const path = `${a.apps}/${app.id}`;
    await expectRefused(a, "PUT", path, { domain: host(a) }, "/type");
    await expectRefused(
      a,
      "PUT",
      path,
      { type: "self_hosted", domain: host(a), policies: [policyBody({ decision: "allow" })] },
      "/policies/0/decision",
    );
    await expectRefused(a, "PUT", path, { type: "self_hosted", domain: host(a), policies: [{ id: MISSING }] }, "/policies/0/id");
    const taken = await cf("PUT", path, { token: a.key, body: { type: "self_hosted", domain: other.domain } });
    expect(taken.status).toBe(400); // retrying cannot fix it: not a 409, which the SDK retries
    expect(taken.body.errors[0]).toMatchObject({ code: 10001, message: expect.stringContaining(`${other.domain} is already claimed`) });
    expect((await cf("GET", path, { token: a.key })).body.result).toEqual(app);
    // Its own host again is no conflict.
    expect((await cf("PUT", path, { token: a.key, body: { type: "self_hosted", domain: app.domain } })).status).toBe(200);
  });

  it("answers 404 for an unknown application", async () => {
    const a = await accessAccount();
    const res = await cf("PUT", `${a.apps}/${MISSING}`, { token: a.key, body: { type: "self_hosted", domain: host(a) } });
    expect(res.status).toBe(404);
  });
});
