/**
 * GET /accounts/{account_id}/access/policies
 * (src/surfaces/cloudflare/access-policy/list-access-policies.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy, policyBody } from "../../../helpers/cloudflare-access";

describe("GET .../access/policies", () => {
  it("pages oldest first, answers [] past the end, defaults to 100 per page and caps at 1000", async () => {
    const a = await accessAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createPolicy(a, { name: `p${i}` })).id);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await cf("GET", `${a.policies}?per_page=2&page=${page}`, { token: a.key });
      expect(res.body.result_info).toEqual({ page, per_page: 2, count: page < 3 ? 2 : 1, total_count: 5, total_pages: 3 });
      seen.push(...res.body.result.map((p: { id: string }) => p.id));
    }
    expect(seen).toEqual(ids);
    const past = await cf("GET", `${a.policies}?page=2`, { token: a.key });
    expect(past.body).toMatchObject({ result: [], result_info: { page: 2, per_page: 100, count: 0, total_count: 5 } });
    expect((await cf("GET", `${a.policies}?per_page=5000`, { token: a.key })).body.result_info.per_page).toBe(1000);
    for (const q of ["page=0", "per_page=x"]) expect((await cf("GET", `${a.policies}?${q}`, { token: a.key })).status, q).toBe(400);
  });

  it("lists reusable policies only, each with the number of applications using it", async () => {
    const a = await accessAccount();
    const unused = await createPolicy(a, { name: "unused" });
    const shared = await createPolicy(a, { name: "shared" });
    await createApp(a, { policies: [shared.id] });
    await createApp(a, { policies: [unused.id, { id: shared.id, precedence: 2 }] });
    await createApp(a, { policies: [policyBody({ name: "inline" })] });
    const res = await cf("GET", a.policies, { token: a.key });
    expect(res.body.result.map((p: { name: string; app_count: number }) => [p.name, p.app_count])).toEqual([
      ["unused", 1],
      ["shared", 2],
    ]);
    expect(res.body.result.every((p: { reusable: boolean }) => p.reusable)).toBe(true);
    const other = await accessAccount();
    expect((await cf("GET", other.policies, { token: other.key })).body.result).toEqual([]);
  });
});
