/**
 * GET /accounts/{account_id}/access/service_tokens
 * (src/surfaces/cloudflare/service-token/list-service-tokens.ts).
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../../helpers/cloudflare";

describe("GET .../access/service_tokens", () => {
  it("pages with page/per_page, reports result_info, and answers an empty page past the end", async () => {
    const a = await account();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createToken(a, { name: `t${i}` })).id);
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await cf("GET", `${a.base}?per_page=2&page=${page}`, { token: a.key });
      expect(res.body.result_info).toEqual({ page, per_page: 2, count: page < 3 ? 2 : 1, total_count: 5, total_pages: 3 });
      seen.push(...res.body.result.map((t: { id: string }) => t.id));
    }
    expect(seen).toEqual(ids); // oldest first
    const past = await cf("GET", `${a.base}?per_page=2&page=4`, { token: a.key });
    expect(past.status).toBe(200);
    expect(past.body.result).toEqual([]);
    expect(past.body.result_info).toMatchObject({ page: 4, count: 0, total_count: 5 });
    const all = await cf("GET", a.base, { token: a.key });
    expect(all.body.result_info).toMatchObject({ page: 1, per_page: 50, count: 5 });
    const capped = await cf("GET", `${a.base}?per_page=5000`, { token: a.key });
    expect(capped.body.result_info.per_page).toBe(1000);
  });

  it("filters by exact name and by case-insensitive substring, wildcards taken literally", async () => {
    const a = await account();
    for (const name of ["deploy-prod", "deploy-staging", "Backup", "100%_done"]) await createToken(a, { name });
    const names = async (q: string) =>
      (await cf("GET", `${a.base}?${q}`, { token: a.key })).body.result.map((t: { name: string }) => t.name);
    expect(await names("name=deploy-prod")).toEqual(["deploy-prod"]);
    expect(await names("name=deploy")).toEqual([]);
    expect(await names("search=DEPLOY")).toEqual(["deploy-prod", "deploy-staging"]);
    expect(await names("search=up")).toEqual(["Backup"]);
    expect(await names(`search=${encodeURIComponent("%_")}`)).toEqual(["100%_done"]);
    expect(await names("search=_")).toEqual(["100%_done"]);
    expect((await cf("GET", `${a.base}?search=deploy&per_page=1&page=2`, { token: a.key })).body.result_info).toMatchObject({
      total_count: 2,
      total_pages: 2,
    });
  });

  it("refuses bad page parameters", async () => {
    const a = await account();
    for (const q of ["page=0", "page=-1", "page=x", "per_page=0", "per_page=1.5", "page=1&page=2"]) {
      const res = await cf("GET", `${a.base}?${q}`, { token: a.key });
      expect(res.status, q).toBe(400);
      expect(res.body.errors[0].code).toBe(10001);
    }
  });
});

it("folds Unicode case in search, and a rename is found by its new name", async () => {
  const a = await account();
  const t = await createToken(a, { name: "Déjà vu" });
  await createToken(a, { name: "ΣΊΣΥΦΟΣ" });
  await createToken(a, { name: "plain" });
  const names = async (search: string) =>
    ((await cf("GET", `${a.base}?search=${encodeURIComponent(search)}`, { token: a.key })).body.result as { name: string }[]).map(
      (x) => x.name,
    );
  expect(await names("DÉJÀ")).toEqual(["Déjà vu"]);
  expect(await names("déjà")).toEqual(["Déjà vu"]);
  expect(await names("σίσυφ")).toEqual(["ΣΊΣΥΦΟΣ"]);
  await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { name: "Ÿes Über" } });
  expect(await names("über")).toEqual(["Ÿes Über"]);
  expect(await names("déjà")).toEqual([]);
});
