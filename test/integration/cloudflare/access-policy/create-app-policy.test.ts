/**
 * POST /accounts/{account_id}/access/apps/{app_id}/policies
 * (src/surfaces/cloudflare/app-policy/create-app-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import {
  accessAccount,
  createApp,
  createPolicy,
  expectRefused,
  expectRefusedWhole,
  ISO,
  policyBody,
  TOKEN_ID,
  tokenRule,
} from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("POST .../access/apps/{app_id}/policies", () => {
  it("answers 201 with the app-scoped policy, after the last by default or at the precedence given", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody({ name: "first" })] });
    const base = `${a.apps}/${app.id}/policies`;
    const res = await cf("POST", base, { token: a.key, body: policyBody({ name: "second", session_duration: "5m" }) });
    expect(res.status, res.text).toBe(201);
    const p = res.body.result;
    expect(p).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "second",
      decision: "non_identity",
      include: [tokenRule(TOKEN_ID)],
      require: [],
      exclude: [],
      session_duration: "5m",
      precedence: 2,
      account_id: a.org.account_id,
      created_at: expect.stringMatching(ISO),
      updated_at: p.created_at,
    });
    const at = await cf("POST", base, { token: a.key, body: policyBody({ name: "tenth", precedence: 10 }) });
    expect(at.body.result.precedence).toBe(10);
    const after = await cf("POST", base, { token: a.key, body: policyBody({ name: "after" }) });
    expect(after.body.result.precedence).toBe(11);
    const got = await cf("GET", `${a.apps}/${app.id}`, { token: a.key });
    expect(got.body.result.policies.map((x: { name: string }) => x.name)).toEqual(["first", "second", "tenth", "after"]);
    expect(got.body.result.policies[1]).toEqual(p);
    // An app-scoped policy is not reusable.
    expect((await cf("GET", `${a.policies}/${p.id}`, { token: a.key })).status).toBe(404);
  });

  it("answers 409 for a precedence another policy of the application holds", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody()] });
    const res = await cf("POST", `${a.apps}/${app.id}/policies`, { token: a.key, body: policyBody({ name: "clash", precedence: 1 }) });
    expect(res.status).toBe(409);
    expect(res.body.errors[0]).toMatchObject({ code: 10008, message: expect.stringMatching(/precedence 1/) });
    expect((await cf("GET", `${a.apps}/${app.id}/policies`, { token: a.key })).body.result_info.total_count).toBe(1);
  });

  it("refuses bad input, and a policy of its own on an application that links reusable ones", async () => {
    const a = await accessAccount();
    const app = await createApp(a);
    const base = `${a.apps}/${app.id}/policies`;
    await expectRefused(a, "POST", base, policyBody({ decision: "allow" }), "/decision", /user identities/);
    await expectRefused(a, "POST", base, policyBody({ include: [{ login_method: { id: "x" } }] }), "/include/0", /"login_method"/);
    await expectRefused(a, "POST", base, policyBody({ include: [{ ip: { ip: "10.0.0.0/99" } }] }), "/include/0/ip/ip");
    await expectRefused(a, "POST", base, policyBody({ precedence: 0 }), "/precedence");
    const linking = await createApp(a, { policies: [(await createPolicy(a)).id] });
    await expectRefusedWhole(a, "POST", `${a.apps}/${linking.id}/policies`, policyBody(), /cannot be mixed/);
    expect((await cf("GET", base, { token: a.key })).body.result).toEqual([]);
  });

  it("answers 404 for an unknown application", async () => {
    const a = await accessAccount();
    const res = await cf("POST", `${a.apps}/${MISSING}/policies`, { token: a.key, body: policyBody() });
    expect(res.status).toBe(404);
    expect(res.body.errors[0].message).toContain("Access application");
  });
});
