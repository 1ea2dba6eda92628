/**
 * DELETE /accounts/{account_id}/access/apps/{app_id}
 * (src/surfaces/cloudflare/access-app/delete-access-app.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("DELETE .../access/apps/{app_id}", () => {
  it("answers 202 with the id, deletes its own policies, keeps reusable ones and frees its host", async () => {
    const a = await accessAccount();
    const reusable = await createPolicy(a);
    const own = await createApp(a, { policies: [policyBody()] });
    const linking = await createApp(a, { policies: [reusable.id] });
    for (const app of [own, linking]) {
      const res = await cf("DELETE", `${a.apps}/${app.id}`, { token: a.key });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ success: true, errors: [], messages: [], result: { id: app.id } });
      expect((await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).status).toBe(404);
    }
    expect((await cf("GET", `${a.policies}/${reusable.id}`, { token: a.key })).body.result.app_count).toBe(0);
    expect((await cf("GET", a.policies, { token: a.key })).body.result.map((p: { id: string }) => p.id)).toEqual([reusable.id]);
    const again = await createApp(a, { domain: own.domain });
    expect(again.domain).toBe(own.domain);
    expect((await cf("DELETE", `${a.apps}/${own.id}`, { token: a.key })).status).toBe(404);
  });

  it("answers 404 for an unknown application", async () => {
    const a = await accessAccount();
    expect((await cf("DELETE", `${a.apps}/${MISSING}`, { token: a.key })).status).toBe(404);
  });
});
