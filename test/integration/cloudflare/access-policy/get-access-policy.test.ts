/**
 * GET /accounts/{account_id}/access/policies/{policy_id}
 * (src/surfaces/cloudflare/access-policy/get-access-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("GET .../access/policies/{policy_id}", () => {
  it("answers the reusable policy with its app_count", async () => {
    const a = await accessAccount();
    const p = await createPolicy(a);
    await createApp(a, { policies: [p.id] });
    const res = await cf("GET", `${a.policies}/${p.id}`, { token: a.key });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ ...p, app_count: 1 });
  });

  it("answers 404 for an unknown id and for an app-scoped policy, and 400 for a malformed id", async () => {
    const a = await accessAccount();
    const app = await createApp(a, { policies: [policyBody()] });
    for (const id of [MISSING, app.policies[0]!.id]) {
      const res = await cf("GET", `${a.policies}/${id}`, { token: a.key });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: 10006, message: `Access policy "${id}" not found` });
    }
    const bad = await cf("GET", `${a.policies}/nope`, { token: a.key });
    expect(bad.body.errors[0]).toMatchObject({ code: 10004, source: { pointer: "/policy_id" } });
  });
});
