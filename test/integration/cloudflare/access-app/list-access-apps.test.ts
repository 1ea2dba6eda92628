/**
 * GET /accounts/{account_id}/access/apps
 * (src/surfaces/cloudflare/access-app/list-access-apps.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, host } from "../../../helpers/cloudflare-access";

describe("GET .../access/apps", () => {
  it("pages oldest first with result_info, answers [] past the end, defaults to 50 and caps at 1000", async () => {
    const a = await accessAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createApp(a, { name: `app${i}` })).id);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await cf("GET", `${a.apps}?per_page=2&page=${page}`, { token: a.key });
      expect(res.body.result_info).toEqual({ page, per_page: 2, count: page < 3 ? 2 : 1, total_count: 5, total_pages: 3 });
      seen.push(...res.body.result.map((x: { id: string }) => x.id));
    }
    expect(seen).toEqual(ids);
    const past = await cf("GET", `${a.apps}?per_page=2&page=4`, { token: a.key });
    expect(past.status).toBe(200);
    expect(past.body.result).toEqual([]);
    expect(past.body.result_info).toMatchObject({ page: 4, count: 0, total_count: 5 });
    const all = await cf("GET", a.apps, { token: a.key });
    expect(all.body.result_info).toMatchObject({ page: 1, per_page: 50, count: 5 });
    // The listed application is the one GET answers, policies included.
    expect(all.body.result[0]).toEqual((await cf("GET", `${a.apps}/${ids[0]}`, { token: a.key })).body.result);
    expect((await cf("GET", `${a.apps}?per_page=5000`, { token: a.key })).body.result_info.per_page).toBe(1000);
  });

  it("filters by name, domain (substrings, or exact), aud and search", async () => {
    const a = await accessAccount();
    const d1 = host(a, "billing");
    const d2 = host(a, "reports");
    const billing = await createApp(a, { name: "Billing API", domain: d1 });
    await createApp(a, { name: "Reports", domain: `${d2}/admin` });
    const names = async (q: string) => {
      const res = await cf("GET", `${a.apps}?${q}`, { token: a.key });
      expect(res.status, q).toBe(200);
      return res.body.result.map((x: { name: string }) => x.name);
    };
    expect(await names("name=billing")).toEqual(["Billing API"]);
    expect(await names("name=billing&exact=true")).toEqual([]);
    expect(await names(`name=${encodeURIComponent("Billing API")}&exact=true`)).toEqual(["Billing API"]);
    expect(await names("name=billing&exact=false")).toEqual(["Billing API"]);
    expect(await names(`domain=${d2}`)).toEqual(["Reports"]);
    expect(await names(`domain=${d2}&exact=true`)).toEqual([]);
    expect(await names(`domain=${encodeURIComponent(`${d2}/admin`)}&exact=true`)).toEqual(["Reports"]);
    expect(await names(`aud=${billing.aud}`)).toEqual(["Billing API"]);
    expect(await names(`aud=${"0".repeat(64)}`)).toEqual([]);
    expect(await names("search=REPORTS")).toEqual(["Reports"]);
    expect(await names(`search=${d1.slice(0, 10)}`)).toEqual(["Billing API"]);
    expect(await names("search=nothing-like-it")).toEqual([]);
    const filtered = await cf("GET", `${a.apps}?search=e&per_page=1&page=2`, { token: a.key });
    expect(filtered.body.result_info).toMatchObject({ total_count: 2, total_pages: 2, count: 1 });
  });

  it("lists only the account's own applications", async () => {
    const a = await accessAccount();
    const b = await accessAccount();
    await createApp(b);
    expect((await cf("GET", a.apps, { token: a.key })).body).toMatchObject({ result: [], result_info: { total_count: 0 } });
  });

  it("refuses bad page parameters and a bad exact", async () => {
    const a = await accessAccount();
    for (const q of ["page=0", "page=x", "per_page=0", "per_page=1.5", "page=1&page=2", "exact=yes", `aud=${"a".repeat(65)}`]) {
      const res = await cf("GET", `${a.apps}?${q}`, { token: a.key });
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0].code).toBe(10001);
    }
  });
});
