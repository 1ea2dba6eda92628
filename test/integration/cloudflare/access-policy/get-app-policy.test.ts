/**
 * GET /accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}
 * (src/surfaces/cloudflare/app-policy/get-app-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("GET .../access/apps/{app_id}/policies/{policy_id}", () => {
  it("answers an own policy, and a linked reusable one with its precedence in this application", async () => {
    const a = await accessAccount();
    const own = await createApp(a, { policies: [policyBody()] });
    const res = await cf("GET", `${a.apps}/${own.id}/policies/${own.policies[0]!.id}`, { token: a.key });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(own.policies[0]);
    expect(res.body.result).not.toHaveProperty("reusable");
    const p = await createPolicy(a);
    const linking = await createApp(a, { policies: [{ id: p.id, precedence: 3 }] });
    const linked = await cf("GET", `${a.apps}/${linking.id}/policies/${p.id}`, { token: a.key });
    expect(linked.body.result).toMatchObject({ id: p.id, reusable: true, precedence: 3 });
    expect(linked.body.result).not.toHaveProperty("app_count");
  });

  it("answers 404 for a policy the application does not use, and for an unknown application", async () => {
    const a = await accessAccount();
    const app1 = await createApp(a, { policies: [policyBody()] });
    const app2 = await createApp(a, { policies: [policyBody()] });
    const unlinked = await createPolicy(a);
    for (const id of [MISSING, app2.policies[0]!.id, unlinked.id]) {
      const res = await cf("GET", `${a.apps}/${app1.id}/policies/${id}`, { token: a.key });
      expect(res.status, id).toBe(404);
      expect(res.body.errors[0].message).toBe(`Access policy "${id}" not found`);
    }
    expect((await cf("GET", `${a.apps}/${MISSING}/policies/${app1.policies[0]!.id}`, { token: a.key })).status).toBe(404);
  });
});
