/**
 * DELETE /accounts/{account_id}/access/policies/{policy_id}
 * (src/surfaces/cloudflare/access-policy/delete-access-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("DELETE .../access/policies/{policy_id}", () => {
  it("answers 202 with the id and removes the policy from every application linking it", async () => {
    const a = await accessAccount();
    const gone = await createPolicy(a, { name: "gone" });
    const stays = await createPolicy(a, { name: "stays" });
    const app1 = await createApp(a, { policies: [gone.id, stays.id] });
    const app2 = await createApp(a, { policies: [gone.id] });
    const res = await cf("DELETE", `${a.policies}/${gone.id}`, { token: a.key });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, errors: [], messages: [], result: { id: gone.id } });
    expect((await cf("GET", `${a.policies}/${gone.id}`, { token: a.key })).status).toBe(404);
    const policiesOf = async (id: string) =>
      (await cf("GET", `${a.apps}/${id}`, { token: a.key })).body.result.policies.map((p: { name: string }) => p.name);
    expect(await policiesOf(app1.id)).toEqual(["stays"]);
    expect(await policiesOf(app2.id)).toEqual([]);
    expect((await cf("GET", `${a.apps}/${app1.id}/policies/${gone.id}`, { token: a.key })).status).toBe(404);
    expect((await cf("DELETE", `${a.policies}/${gone.id}`, { token: a.key })).status).toBe(404);
  });

  it("answers 404 for an unknown id and for an app-scoped policy, which stays", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody()] });
    const own = app.policies[0]!.id;
    for (const id of [MISSING, own]) expect((await cf("DELETE", `${a.policies}/${id}`, { token: a.key })).status).toBe(404);
    expect((await cf("GET", `${a.apps}/${app.id}/policies/${own}`, { token: a.key })).status).toBe(200);
  });
});
