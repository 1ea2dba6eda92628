/**
 * GET /v1/api_key (src/surfaces/braintrust/api-key/list-api-keys.ts).
 */
import { describe, expect, it } from "vitest";
import { bootstrap, call } from "../../../helpers/http";

type Key = { id: string; name: string; org_id: string };

/** A fresh owner holding `n` keys in total (the bootstrap key included), newest first. */
async function ownerWithKeys(n: number, name = (i: number) => `key-${i}`) {
  const b = await bootstrap();
  const ids = [b.api_key.id];
  for (let i = 1; i < n; i++) {
    const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: name(i) } });
    ids.push(res.body.id);
  }
  return { ...b, token: b.api_key.key, newestFirst: ids.reverse() };
}

const list = async (token: string, query = "") => {
  const res = await call<{ objects: Key[] }>("GET", `/v1/api_key${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.objects;
};

describe("GET /v1/api_key", () => {
  it("walks 25 keys forward with limit=10 to an empty page, then back with ending_before", async () => {
    const { token, newestFirst } = await ownerWithKeys(25);
    const pages: Key[][] = [];
    let cursor = "";
    for (;;) {
      const page = await list(token, `?limit=10${cursor}`);
      pages.push(page);
      if (page.length === 0) break;
      cursor = `&starting_after=${page.at(-1)!.id}`;
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5, 0]);
    expect(pages.flat().map((k) => k.id)).toEqual(newestFirst);

    // backwards from the last page: each page is the ten just newer than the cursor, still newest first
    const back1 = await list(token, `?limit=10&ending_before=${pages[2]![0]!.id}`);
    expect(back1.map((k) => k.id)).toEqual(newestFirst.slice(10, 20));
    const back2 = await list(token, `?limit=10&ending_before=${back1[0]!.id}`);
    expect(back2.map((k) => k.id)).toEqual(newestFirst.slice(0, 10));
    expect(await list(token, `?limit=10&ending_before=${back2[0]!.id}`)).toEqual([]);
  });

  it("filters by ids, repeated or comma-joined", async () => {
    const { token, newestFirst } = await ownerWithKeys(5);
    const [a, , c, , e] = newestFirst;
    const repeated = await list(token, `?ids=${a}&ids=${c}&ids=${e}`);
    const joined = await list(token, `?ids=${encodeURIComponent(`${a},${c},${e}`)}`);
    expect(repeated.map((k) => k.id)).toEqual([a, c, e]);
    expect(joined.map((k) => k.id)).toEqual([a, c, e]);
    expect((await list(token, `?ids=${c}`)).map((k) => k.id)).toEqual([c]);
  });

  it("filters by exact name", async () => {
    const { token } = await ownerWithKeys(6, (i) => (i % 2 ? "odd" : "even"));
    expect((await list(token, "?api_key_name=odd")).map((k) => k.name)).toEqual(["odd", "odd", "odd"]);
    expect(await list(token, "?api_key_name=od")).toEqual([]);
  });

  it("lists only the caller's own keys, across the caller's orgs unless org_name narrows it", async () => {
    const a = await ownerWithKeys(3);
    const colleague = await bootstrap({ org_name: a.org.name });
    expect((await list(colleague.api_key.key)).map((k) => k.id)).toEqual([colleague.api_key.id]);
    const b = await bootstrap({ email: a.user.email });
    const all = await list(a.token);
    expect(all).toHaveLength(4);
    expect((await list(a.token, `?org_name=${encodeURIComponent(b.org.name)}`)).map((k) => k.id)).toEqual([b.api_key.id]);
    expect(await list(a.token, `?org_name=${encodeURIComponent(a.org.name)}`)).toHaveLength(3);
    const stranger = await bootstrap();
    const res = await call("GET", `/v1/api_key?org_name=${encodeURIComponent(stranger.org.name)}`, { token: a.token });
    expect(res.status).toBe(403);
    // another user's ids are filtered out, not revealed
    expect(await list(a.token, `?ids=${stranger.api_key.id}`)).toEqual([]);
  });

  it("applies the default and maximum page sizes", async () => {
    const { token } = await ownerWithKeys(3);
    expect(await list(token, "?limit=0")).toEqual([]);
    expect(await list(token, "?limit=100000")).toHaveLength(3);
    expect(await list(token)).toHaveLength(3);
  });

  it("refuses bad parameters with 400 naming them", async () => {
    const { token, newestFirst } = await ownerWithKeys(1);
    const id = newestFirst[0];
    const cases: [string, string][] = [
      ["?limit=-1", "limit"],
      ["?limit=ten", "limit"],
      ["?limit=1.5", "limit"],
      ["?limit=1&limit=2", "limit"],
      ["?starting_after=nope", "starting_after"],
      ["?ending_before=123", "ending_before"],
      [`?starting_after=${id}&ending_before=${id}`, "ending_before"],
      ["?ids=not-a-uuid", "ids[0]"],
      [`?ids=${id},zzz`, "ids[1]"],
      [`?ids=${Array.from({ length: 51 }, () => id).join(",")}`, "ids"],
      ["?api_key_name=a&api_key_name=b", "api_key_name"],
    ];
    for (const [query, field] of cases) {
      const res = await call("GET", `/v1/api_key${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
  });
});

it("takes an empty value as not given, as the official client sends for null (limit=, org_name=, ids=, api_key_name=)", async () => {
  const o = await ownerWithKeys(3);
  const all = (await list(o.token)).map((k) => k.id);
  for (const query of ["?limit=", "?org_name=", "?ids=", "?api_key_name=", "?limit=&org_name=&ids=&api_key_name=&starting_after="]) {
    expect(
      (await list(o.token, query)).map((k) => k.id),
      query,
    ).toEqual(all);
  }
  // and a real value next to an empty one still applies
  expect((await list(o.token, "?limit=1&org_name=")).map((k) => k.id)).toEqual(all.slice(0, 1));
});
