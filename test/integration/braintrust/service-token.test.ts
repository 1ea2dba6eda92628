import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authStatus, createServiceAccount } from "../../helpers/braintrust";
import { bootstrap, call, unique } from "../../helpers/http";
import { updateCredentialRow } from "../../helpers/homes";

const MISSING = "0190f3a0-0000-7000-8000-000000000000";

/** An owner with a service account, and a member of the same org. */
async function org() {
  const owner = await bootstrap();
  const account = await createServiceAccount(owner.api_key.key, { name: "robot" });
  const member = await bootstrap({ email: `${unique("member")}@example.com` });
  await call("PATCH", "/v1/organization/members", { token: owner.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
  return { owner, ownerKey: owner.api_key.key, account, memberKey: member.api_key.key, orgName: owner.org.name };
}

const create = (token: string, body: Record<string, unknown>, method = "POST") =>
  call(method, "/v1/service_token", { token, body });

describe("POST /v1/service_token", () => {
  it("creates a token with every ServiceToken field, shown once, that authenticates as its service account", async () => {
    const o = await org();
    const res = await create(o.ownerKey, { name: "deploy", service_account_id: o.account.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      created: expect.any(String),
      name: "deploy",
      preview_name: `bt-st-****${res.body.key.slice(-4)}`,
      service_account_id: o.account.id,
      service_account_email: o.account.email,
      service_account_name: "robot",
      org_id: o.owner.org.id,
      expires_at: null,
      key: expect.stringMatching(/^bt-st-[0-9A-Za-z]{61}$/),
    });
    // as Bearer, anywhere an API key is accepted: here it creates an API key of the service account's own
    const own = await call("POST", "/v1/api_key", { token: res.body.key, body: { name: "sa-key" } });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ user_id: o.account.id, user_email: o.account.email, org_id: o.owner.org.id });
    const got = await call("GET", `/v1/service_token/${res.body.id}`, { token: res.body.key });
    expect(got.body.key).toBeUndefined();
  });

  it("requires an owner's credential: a member gets 403 saying so, an owner service token may", async () => {
    const o = await org();
    const res = await create(o.memberKey, { name: "x", service_account_id: o.account.id, org_name: o.orgName });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/Creating service tokens requires an org owner/);
    const plainToken = await create(o.ownerKey, { name: "member-robot", service_account_id: o.account.id });
    expect((await create(plainToken.body.key, { name: "y", service_account_id: o.account.id })).status).toBe(403);
    const ownerRobot = await createServiceAccount(o.ownerKey, { token_name: "root", group_names: ["Owners"] });
    expect((await create(ownerRobot.api_key!, { name: "z", service_account_id: o.account.id })).status).toBe(200);
  });

  it("answers 404 for a service account of another org, a user, or nothing, and creates nothing", async () => {
    const o = await org();
    const other = await org();
    for (const id of [other.account.id, o.owner.user.id, MISSING]) {
      const res = await create(o.ownerKey, { name: "x", service_account_id: id });
      expect(res.status, id).toBe(404);
      expect(res.body.message).toBe(`Service account "${id}" not found`);
    }
    expect((await call("GET", "/v1/service_token", { token: o.ownerKey })).body.objects).toEqual([]);
    expect((await call("GET", "/v1/service_token", { token: other.ownerKey })).body.objects).toEqual([]);
  });

  it("refuses bad input naming the field", async () => {
    const o = await org();
    const cases: [Record<string, unknown>, string][] = [
      [{ service_account_id: o.account.id }, "name"],
      [{ name: "x" }, "service_account_id"],
      [{ name: "x", service_account_id: "nope" }, "service_account_id"],
      [{ name: 1, service_account_id: o.account.id }, "name"],
      [{ name: "x", service_account_id: o.account.id, expires_at: "2000-01-01T00:00:00Z" }, "expires_at"],
      [{ name: "x", service_account_id: o.account.id, org_name: false }, "org_name"],
    ];
    for (const method of ["POST", "PUT"]) {
      for (const [body, field] of cases) {
        const res = await create(o.ownerKey, body, method);
        expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400);
        expect(res.body.field).toBe(field);
      }
    }
    const huge = await create(o.ownerKey, { name: "x".repeat(70_000), service_account_id: o.account.id });
    expect(huge.status).toBe(413);
  });

  it("refuses names with NUL or lone surrogates, for tokens and for service accounts, and creates nothing", async () => {
    const o = await org();
    for (const name of ["a\u0000b", "a\ud800b"]) {
      for (const method of ["POST", "PUT"]) {
        const res = await create(o.ownerKey, { name, service_account_id: o.account.id }, method);
        expect(res.status, `${method} ${JSON.stringify(name)}`).toBe(400);
        expect(res.body).toMatchObject({ error: "invalid_request", field: "name" });
      }
      for (const [sa, field] of [[{ name }, "invite_users.service_accounts[0].name"], [{ name: "ok", token_name: name }, "invite_users.service_accounts[0].token_name"]] as const) {
        const res = await call("PATCH", "/v1/organization/members", { token: o.ownerKey, body: { invite_users: { service_accounts: [sa] } } });
        expect(res.status, JSON.stringify(sa)).toBe(400);
        expect(res.body).toMatchObject({ error: "invalid_request", field });
      }
    }
    expect((await call("GET", "/v1/service_token", { token: o.ownerKey })).body.objects).toEqual([]);
  });

  it("refuses an expired token", async () => {
    const o = await org();
    const res = await create(o.ownerKey, {
      name: "short",
      service_account_id: o.account.id,
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await authStatus(res.body.key)).toBe(200);
    await updateCredentialRow(res.body.id, { expires_at: Date.now() - 1 });
    const refused = await call("GET", "/v1/api_key", { token: res.body.key });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe("Service token has expired");
  });
});

describe("PUT /v1/service_token", () => {
  it("creates when the name is new, and replaces by name: the old secret stops working at once", async () => {
    const o = await org();
    const first = await create(o.ownerKey, { name: "ci", service_account_id: o.account.id }, "PUT");
    expect(first.status, first.text).toBe(200);
    expect(await authStatus(first.body.key)).toBe(200);
    const other = await createServiceAccount(o.ownerKey, { name: "robot-2" });
    const second = await create(o.ownerKey, { name: "ci", service_account_id: other.id }, "PUT");
    expect(second.status).toBe(200);
    expect(second.body.service_account_id).toBe(other.id);
    expect(second.body.key).not.toBe(first.body.key);
    expect(await authStatus(first.body.key)).toBe(401);
    expect(await authStatus(second.body.key)).toBe(200);
    const named = await call("GET", "/v1/service_token?service_token_name=ci", { token: o.ownerKey });
    expect(named.body.objects.map((t: { id: string }) => t.id)).toEqual([second.body.id]);
  });

  it("replaces every token of that name, including duplicates made by POST, and only in the caller's org", async () => {
    const o = await org();
    const other = await org();
    const dupes = [
      await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }),
      await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }),
    ];
    const foreign = await create(other.ownerKey, { name: "dup", service_account_id: other.account.id });
    const put = await create(o.ownerKey, { name: "dup", service_account_id: o.account.id }, "PUT");
    for (const d of dupes) expect(await authStatus(d.body.key)).toBe(401);
    expect(await authStatus(put.body.key)).toBe(200);
    expect(await authStatus(foreign.body.key)).toBe(200);
  });

  it("leaves the old token intact when the replacement is refused", async () => {
    const o = await org();
    const other = await org();
    const old = await create(o.ownerKey, { name: "keep", service_account_id: o.account.id }, "PUT");
    const refused = await create(o.ownerKey, { name: "keep", service_account_id: other.account.id }, "PUT");
    expect(refused.status).toBe(404);
    const byMember = await create(o.memberKey, { name: "keep", service_account_id: o.account.id, org_name: o.orgName }, "PUT");
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/Replacing service tokens requires an org owner/);
    expect(await authStatus(old.body.key)).toBe(200);
  });

  it("ends two concurrent PUTs of one name with exactly one token, and exactly one working secret", async () => {
    const o = await org();
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const [a, b] = await Promise.all([
        create(o.ownerKey, { name, service_account_id: o.account.id }, "PUT"),
        create(o.ownerKey, { name, service_account_id: o.account.id }, "PUT"),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const listed = await call("GET", `/v1/service_token?service_token_name=${name}`, { token: o.ownerKey });
      expect(listed.body.objects).toHaveLength(1);
      const working = [await authStatus(a.body.key), await authStatus(b.body.key)].filter((s) => s === 200);
      expect(working).toHaveLength(1);
      expect([a.body.id, b.body.id]).toContain(listed.body.objects[0].id);
    }
  });
});

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

describe("GET and DELETE /v1/service_token/{id}, DELETE /v1/service_token", () => {
  it("gets a token of the caller's org, and answers 404 for another org's or a missing one", async () => {
    const o = await org();
    const other = await org();
    const mine = await create(o.ownerKey, { name: "mine", service_account_id: o.account.id });
    const theirs = await create(other.ownerKey, { name: "theirs", service_account_id: other.account.id });
    const got = await call("GET", `/v1/service_token/${mine.body.id}`, { token: o.memberKey });
    expect(got.status).toBe(200);
    const { key, ...withoutKey } = mine.body;
    expect(got.body).toEqual(withoutKey);
    expect(key).toBeDefined();
    for (const id of [theirs.body.id, MISSING]) {
      const res = await call("GET", `/v1/service_token/${id}`, { token: o.ownerKey });
      expect(res.status).toBe(404);
      expect(res.body.message).toBe(`Service token "${id}" not found`);
    }
    expect((await call("GET", "/v1/service_token/123", { token: o.ownerKey })).status).toBe(400);
  });

  it("deletes by path or by body, answering the deleted token, which stops working at once", async () => {
    const o = await org();
    const a = await create(o.ownerKey, { name: "a", service_account_id: o.account.id });
    const b = await create(o.ownerKey, { name: "b", service_account_id: o.account.id });
    const byPath = await call("DELETE", `/v1/service_token/${a.body.id}`, { token: o.ownerKey });
    expect(byPath.status).toBe(200);
    expect(byPath.body).toMatchObject({ id: a.body.id, name: "a", service_account_id: o.account.id });
    const byBody = await call("DELETE", "/v1/service_token", { token: o.ownerKey, body: { id: b.body.id } });
    expect(byBody.status).toBe(200);
    expect(byBody.body.id).toBe(b.body.id);
    expect(await authStatus(a.body.key)).toBe(401);
    expect(await authStatus(b.body.key)).toBe(401);
    expect((await call("DELETE", `/v1/service_token/${a.body.id}`, { token: o.ownerKey })).status).toBe(404);
  });

  it("refuses members (403) and other orgs (404), leaving the token working", async () => {
    const o = await org();
    const other = await org();
    const t = await create(o.ownerKey, { name: "t", service_account_id: o.account.id });
    const byMember = await call("DELETE", `/v1/service_token/${t.body.id}`, { token: o.memberKey });
    expect(byMember.status).toBe(403);
    expect(byMember.body.message).toMatch(/owner/);
    expect((await call("DELETE", "/v1/service_token", { token: other.ownerKey, body: { id: t.body.id } })).status).toBe(404);
    expect(await authStatus(t.body.key)).toBe(200);
  });

  it("refuses a body without a valid id", async () => {
    const o = await org();
    for (const body of [{}, { id: "x" }, { id: 5 }]) {
      const res = await call("DELETE", "/v1/service_token", { token: o.ownerKey, body });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe("id");
    }
    const noBody = await call("DELETE", "/v1/service_token", { token: o.ownerKey });
    expect(noBody.status).toBe(400);
  });

  it("answers CORS preflight on every path", async () => {
    for (const path of ["/v1/service_token", `/v1/service_token/${MISSING}`, "/v1/organization/members"]) {
      const res = await call("OPTIONS", path, { headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT" } });
      expect(res.status, path).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    }
  });
});
