/**
 * GET /accounts/{account_id}/access/apps/{app_id}/policies
 * (src/surfaces/cloudflare/app-policy/list-app-policies.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("GET .../access/apps/{app_id}/policies", () => {
  it("lists the application's policies in ascending precedence, paged, [] past the end, 200 per page by default", async () => {
    const a = await accessAccount();
    const app = await createApp(a, {
      policies: [
        policyBody({ name: "c", precedence: 30 }),
        policyBody({ name: "a", precedence: 10 }),
        policyBody({ name: "b", precedence: 20 }),
      ],
    });
    const base = `${a.apps}/${app.id}/policies`;
    const all = await cf("GET", base, { token: a.key });
    expect(all.body.result).toEqual(app.policies);
    expect(all.body.result.map((p: { name: string }) => p.name)).toEqual(["a", "b", "c"]);
    expect(all.body.result_info).toEqual({ page: 1, per_page: 200, count: 3, total_count: 3, total_pages: 1 });
    const second = await cf("GET", `${base}?per_page=2&page=2`, { token: a.key });
    expect(second.body.result.map((p: { name: string }) => p.name)).toEqual(["c"]);
    expect(second.body.result_info).toEqual({ page: 2, per_page: 2, count: 1, total_count: 3, total_pages: 2 });
    const past = await cf("GET", `${base}?per_page=2&page=3`, { token: a.key });
    expect(past.body).toMatchObject({ result: [], result_info: { page: 3, count: 0, total_count: 3 } });
    expect((await cf("GET", `${base}?per_page=5000`, { token: a.key })).body.result_info.per_page).toBe(1000);
  });

  it("shows linked reusable policies as reusable, and answers 404 for an unknown application", async () => {
    const a = await accessAccount();
    const p = await createPolicy(a);
    const app = await createApp(a, { policies: [{ id: p.id, precedence: 7 }] });
    const res = await cf("GET", `${a.apps}/${app.id}/policies`, { token: a.key });
    const { app_count, ...linked } = p;
    expect(res.body.result).toEqual([{ ...linked, precedence: 7 }]);
    expect((await cf("GET", `${a.apps}/${MISSING}/policies`, { token: a.key })).status).toBe(404);
  });
});
