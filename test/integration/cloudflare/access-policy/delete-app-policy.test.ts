/**
 * DELETE /accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}
 * (src/surfaces/cloudflare/app-policy/delete-app-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("DELETE .../access/apps/{app_id}/policies/{policy_id}", () => {
  it("deletes an own policy (202 with its id)", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody({ name: "gone" }), policyBody({ name: "stays" })] });
    const gone = app.policies[0]!.id;
    const res = await cf("DELETE", `${a.apps}/${app.id}/policies/${gone}`, { token: a.key });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, errors: [], messages: [], result: { id: gone } });
    const left = (await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result.policies;
    expect(left.map((p: { name: string }) => p.name)).toEqual(["stays"]);
    expect((await cf("DELETE", `${a.apps}/${app.id}/policies/${gone}`, { token: a.key })).status).toBe(404);
  });

  it("removes a linked reusable policy from this application only; the policy stays", async () => {
    const a = await accessAccount();
    const p = await createPolicy(a);
    const app1 = await createApp(a, { policies: [p.id] });
    const app2 = await createApp(a, { policies: [p.id] });
    const res = await cf("DELETE", `${a.apps}/${app1.id}/policies/${p.id}`, { token: a.key });
    expect(res.status).toBe(202);
    expect(res.body.result).toEqual({ id: p.id });
    expect((await cf("GET", `${a.apps}/${app1.id}`, { token: a.key })).body.result.policies).toEqual([]);
    expect((await cf("GET", `${a.apps}/${app2.id}`, { token: a.key })).body.result.policies).toHaveLength(1);
    expect((await cf("GET", `${a.policies}/${p.id}`, { token: a.key })).body.result.app_count).toBe(1);
  });

  it("answers 404 for unknown ids and for another application's policy", async () => {
    const a = await accessAccount();
    const app1 = await createApp(a, { policies: [policyBody()] });
    const app2 = await createApp(a, { policies: [policyBody()] });
    for (const url of [
      `${a.apps}/${app1.id}/policies/${MISSING}`,
      `${a.apps}/${MISSING}/policies/${app1.policies[0]!.id}`,
      `${a.apps}/${app1.id}/policies/${app2.policies[0]!.id}`,
    ]) {
      expect((await cf("DELETE", url, { token: a.key })).status, url).toBe(404);
    }
    expect((await cf("GET", `${a.apps}/${app2.id}`, { token: a.key })).body.result.policies).toHaveLength(1);
  });
});
