/**
 * PUT /accounts/{account_id}/access/policies/{policy_id}
 * (src/surfaces/cloudflare/access-policy/update-access-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, expectRefused, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("PUT .../access/policies/{policy_id}", () => {
  it("replaces the policy whole, keeps its id, created_at and app_count, and applications see the change", async () => {
    const a = await accessAccount();
    const p = await createPolicy(a, { session_duration: "1h", require: [{ any_valid_service_token: {} }] });
    const app = await createApp(a, { policies: [{ id: p.id, precedence: 4 }] });
    const body = { name: "everyone, but blocked", decision: "deny", include: [{ everyone: {} }] };
    const res = await cf("PUT", `${a.policies}/${p.id}`, { token: a.key, body });
    expect(res.status, res.text).toBe(200);
    const updated = res.body.result;
    expect(updated).toEqual({
      ...body,
      id: p.id,
      require: [],
      exclude: [],
      reusable: true,
      app_count: 1,
      account_id: a.org.account_id,
      created_at: p.created_at,
      updated_at: expect.any(String),
    });
    expect((await cf("GET", `${a.policies}/${p.id}`, { token: a.key })).body.result).toEqual(updated);
    const seen = (await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result.policies;
    const { app_count, ...asLinked } = updated;
    expect(seen).toEqual([{ ...asLinked, precedence: 4 }]);
  });

  it("refuses bad input, changing nothing, and answers 404 for unknown or app-scoped ids", async () => {
    const a = await accessAccount();
    const p = await createPolicy(a);
    await expectRefused(a, "PUT", `${a.policies}/${p.id}`, policyBody({ decision: "allow" }), "/decision", /user identities/);
    await expectRefused(a, "PUT", `${a.policies}/${p.id}`, policyBody({ include: [{ saml: {} }] }), "/include/0", /"saml"/);
    expect((await cf("GET", `${a.policies}/${p.id}`, { token: a.key })).body.result).toEqual(p);
    const app = await createApp(a, { policies: [policyBody()] });
    for (const id of [MISSING, app.policies[0]!.id]) {
      expect((await cf("PUT", `${a.policies}/${id}`, { token: a.key, body: policyBody() })).status).toBe(404);
    }
  });
});
