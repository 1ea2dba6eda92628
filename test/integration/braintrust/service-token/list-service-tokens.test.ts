/**
 * GET /v1/service_token (src/surfaces/braintrust/service-token/list-service-tokens.ts).
 */
import { describe, expect, it } from "vitest";
import { createServiceAccount, orgWithServiceAccount as org, sendServiceToken as create } from "../../../helpers/braintrust";
import { bootstrap, call, MISSING } from "../../../helpers/http";

describe("GET /v1/service_token", () => {
  it("lists the org's tokens newest first, pages with cursors, filters by ids and name", async () => {
    const o = await org();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.unshift((await create(o.ownerKey, { name: `t${i % 3}`, service_account_id: o.account.id })).body.id);
    const walked: string[] = [];
    let query = "?limit=5";
    for (let pages = 0; pages < 10; pages++) {
      const page = (await call("GET", `/v1/service_token${query}`, { token: o.ownerKey })).body.objects;
      if (!page.length) break;
      walked.push(...page.map((t: { id: string }) => t.id));
      query = `?limit=5&starting_after=${page.at(-1).id}`;
    }
    expect(walked).toEqual(ids);
    const back = await call("GET", `/v1/service_token?limit=5&ending_before=${ids[5]}`, { token: o.ownerKey });
    expect(back.body.objects.map((t: { id: string }) => t.id)).toEqual(ids.slice(0, 5));
    const byIds = await call("GET", `/v1/service_token?ids=${ids[1]}&ids=${ids[3]}`, { token: o.ownerKey });
    const joined = await call("GET", `/v1/service_token?ids=${ids[1]}%2C${ids[3]}`, { token: o.ownerKey });
    expect(byIds.body.objects.map((t: { id: string }) => t.id)).toEqual([ids[1], ids[3]]);
    expect(joined.body).toEqual(byIds.body);
    const named = await call("GET", "/v1/service_token?service_token_name=t1", { token: o.ownerKey });
    expect(named.body.objects).toHaveLength(4);
    // members may list
    expect((await call("GET", `/v1/service_token?org_name=${o.orgName}`, { token: o.memberKey })).body.objects).toHaveLength(12);
  });

  it("never lists another org's tokens", async () => {
    const o = await org();
    const other = await org();
    const theirs = await create(other.ownerKey, { name: "theirs", service_account_id: other.account.id });
    expect((await call("GET", `/v1/service_token?ids=${theirs.body.id}`, { token: o.ownerKey })).body.objects).toEqual([]);
    expect((await call("GET", "/v1/service_token?service_token_name=theirs", { token: o.ownerKey })).body.objects).toEqual([]);
    expect((await call("GET", `/v1/service_token?org_name=${other.orgName}`, { token: o.ownerKey })).status).toBe(403);
    for (const q of ["?limit=x", "?ids=1", `?starting_after=${MISSING}&ending_before=${MISSING}`]) {
      expect((await call("GET", `/v1/service_token${q}`, { token: o.ownerKey })).status, q).toBe(400);
    }
  });
});

it("takes an empty service_token_name, ids or org_name as not given", async () => {
  const b = await bootstrap();
  const sa = await createServiceAccount(b.api_key.key, { token_name: "t1" });
  expect(sa.api_key).toBeTruthy();
  for (const query of ["?service_token_name=", "?ids=", "?org_name=&limit="]) {
    const res = await call("GET", `/v1/service_token${query}`, { token: b.api_key.key });
    expect(res.status, query).toBe(200);
    expect(
      res.body.objects.map((t: { name: string }) => t.name),
      query,
    ).toEqual(["t1"]);
  }
});
