/**
 * PUT /accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}
 * (src/surfaces/cloudflare/app-policy/update-app-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, expectRefused, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("PUT .../access/apps/{app_id}/policies/{policy_id}", () => {
  it("replaces an own policy whole; its precedence stays unless given", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody({ name: "one", session_duration: "1h" }), policyBody({ name: "two" })] });
    const [one] = app.policies;
    const path = `${a.apps}/${app.id}/policies/${one!.id}`;
    const body = { name: "one, bypass", decision: "bypass", include: [{ ip: { ip: "198.51.100.0/24" } }] };
    const res = await cf("PUT", path, { token: a.key, body });
    expect(res.status, res.text).toBe(200);
    expect(res.body.result).toEqual({
      ...body,
      id: one!.id,
      require: [],
      exclude: [],
      precedence: 1,
      account_id: a.org.account_id,
      created_at: one!.created_at,
      updated_at: expect.any(String),
    });
    expect((await cf("GET", path, { token: a.key })).body.result).toEqual(res.body.result);
    const moved = await cf("PUT", path, { token: a.key, body: { ...body, precedence: 5 } });
    expect(moved.body.result.precedence).toBe(5);
    const names = (await cf("GET", `${a.apps}/${app.id}/policies`, { token: a.key })).body.result.map((p: { name: string }) => p.name);
    expect(names).toEqual(["two", "one, bypass"]);
  });

  it("answers 409 for a precedence taken, 400 for bad input or a linked reusable policy, 404 for unknown ids", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody({ name: "one" }), policyBody({ name: "two" })] });
    const [one, two] = app.policies;
    const path = `${a.apps}/${app.id}/policies/${one!.id}`;
    const taken = await cf("PUT", path, { token: a.key, body: policyBody({ precedence: two!.precedence }) });
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0].code).toBe(10008);
    await expectRefused(a, "PUT", path, policyBody({ decision: "allow" }), "/decision");
    await expectRefused(
      a,
      "PUT",
      path,
      policyBody({ include: [{ everyone: {} }, { device_posture: {} }] }),
      "/include/1",
      /"device_posture"/,
    );
    expect((await cf("GET", path, { token: a.key })).body.result).toEqual(one);
    const p = await createPolicy(a);
    const linking = await createApp(a, { policies: [p.id] });
    await expectRefused(a, "PUT", `${a.apps}/${linking.id}/policies/${p.id}`, policyBody(), "/policy_id", /\/access\/policies/);
    for (const url of [`${a.apps}/${app.id}/policies/${MISSING}`, `${a.apps}/${MISSING}/policies/${one!.id}`]) {
      expect((await cf("PUT", url, { token: a.key, body: policyBody() })).status).toBe(404);
    }
  });
});
