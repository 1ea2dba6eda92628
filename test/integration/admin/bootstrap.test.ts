import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, bootstrap, call, callWithEnv, unique } from "../../helpers/http";

const body = () => ({ org_name: unique("org"), email: `${unique("owner")}@example.com` });

describe("POST /admin/bootstrap", () => {
  it("creates org, owner and a working API key", async () => {
    const input = { ...body(), given_name: "Ada", family_name: "Lovelace" };
    const res = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: input });
    expect(res.status, res.text).toBe(200);
    const { org, user, api_key } = res.body;
    expect(org.name).toBe(input.org_name);
    expect(org.account_id).toBe(org.id.replaceAll("-", ""));
    expect(org.account_id).toMatch(/^[0-9a-f]{32}$/);
    expect(user).toEqual({ id: expect.any(String), email: input.email, given_name: "Ada", family_name: "Lovelace" });
    expect(api_key).toMatchObject({
      name: "bootstrap",
      org_id: org.id,
      user_id: user.id,
      user_email: input.email,
      user_given_name: "Ada",
      user_family_name: "Lovelace",
      expires_at: null,
    });
    expect(api_key.key).toMatch(/^sk-/);
    const list = await call("GET", "/v1/api_key", { token: api_key.key });
    expect(list.status).toBe(200);
    expect(list.body.objects.map((k: { id: string }) => k.id)).toEqual([api_key.id]);
  });

  it("reuses org and user on repeat and issues another key; both keys work", async () => {
    const input = body();
    const first = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: input });
    const second = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: { ...input, email: input.email.toUpperCase() } });
    expect(second.status).toBe(200);
    expect(second.body.org.id).toBe(first.body.org.id);
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.api_key.id).not.toBe(first.body.api_key.id);
    for (const key of [first.body.api_key.key, second.body.api_key.key]) {
      expect((await call("GET", "/v1/api_key", { token: key })).body.objects).toHaveLength(2);
    }
  });

  it("creates an org with the account id the operator chose, and refuses a name and an id that name different orgs, writing nothing", async () => {
    const { dumpDatabase } = await import("../../helpers/http");
    const account_id = crypto.randomUUID().replaceAll("-", "");
    const input = { ...body(), account_id };
    const first = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: input });
    expect(first.status, first.text).toBe(200);
    expect(first.body.org.account_id).toBe(account_id);
    const again = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: input });
    expect(again.status).toBe(200);
    expect(again.body.org.id).toBe(first.body.org.id);
    const before = await dumpDatabase();
    for (const clash of [
      { ...body(), account_id }, // the id is another name's
      { ...input, account_id: crypto.randomUUID().replaceAll("-", "") }, // the name is another id's
    ]) {
      const res = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: clash });
      expect(res.status, res.text).toBe(409);
      expect(res.body.message).toMatch(/org_name .* and account_id name different orgs/);
    }
    expect(await dumpDatabase()).toBe(before);
    const bad = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: { ...body(), account_id: "XYZ" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/account_id/);
  });

  it("makes an existing user owner of a second org", async () => {
    const a = await bootstrap();
    const b = await bootstrap({ email: a.user.email });
    expect(b.user.id).toBe(a.user.id);
    expect(b.org.id).not.toBe(a.org.id);
    const created = await call("POST", "/v1/api_key", { token: a.api_key.key, body: { name: "in-b", org_name: b.org.name } });
    expect(created.status).toBe(200);
    expect(created.body.org_id).toBe(b.org.id);
  });

  it("refuses bad input naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ email: "a@example.com" }, "org_name"],
      [{ org_name: "x" }, "email"],
      [{ org_name: 5, email: "a@example.com" }, "org_name"],
      [{ org_name: "x", email: "not-an-email" }, "email"],
      [{ org_name: "", email: "a@example.com" }, "org_name"],
      [{ org_name: "x", email: "a@example.com", given_name: 7 }, "given_name"],
    ];
    for (const [input, field] of cases) {
      const res = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: input });
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body.field).toBe(field);
      expect(res.body.message).toContain(field);
    }
    const huge = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: { ...body(), given_name: "x".repeat(100_000) } });
    expect(huge.status).toBe(413);
    const malformed = await call("POST", "/admin/bootstrap", {
      token: ADMIN_TOKEN,
      rawBody: "{",
      headers: { "Content-Type": "application/json" },
    });
    expect(malformed.status).toBe(400);
  });

  it("answers 401 to a missing or wrong admin token", async () => {
    expect((await call("POST", "/admin/bootstrap", { body: body() })).status).toBe(401);
    const wrong = await call("POST", "/admin/bootstrap", { token: `${ADMIN_TOKEN}x`, body: body() });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe("unauthenticated");
    // an API key is not an admin token
    const { api_key } = await bootstrap();
    expect((await call("POST", "/admin/bootstrap", { token: api_key.key, body: body() })).status).toBe(401);
  });

  it("counts wrong admin tokens against the client's failure budget, then refuses even the right one", async () => {
    const ip = `100.71.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const limits = { AUTH_FAILURE_LIMIT: "3" };
    const as = (token: string) =>
      callWithEnv(limits, "POST", "/admin/bootstrap", { token, body: body(), headers: { "CF-Connecting-IP": ip } });
    for (let i = 0; i < 3; i++) expect((await as(`${ADMIN_TOKEN}-guess-${i}`)).status).toBe(401);
    const blocked = await as(`${ADMIN_TOKEN}-guess-4`);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await as(ADMIN_TOKEN)).status).toBe(429);
  });

  it("refuses control characters and lone surrogates in the owner's names", async () => {
    const cases: Record<string, string>[] = [{ given_name: "Eve\u0000" }, { family_name: "\u001b[2J" }, { given_name: "a\ud800" }];
    for (const names of cases) {
      const res = await call("POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: { ...body(), ...names } });
      expect(res.status, JSON.stringify(names)).toBe(400);
      expect(res.body.field).toBe(Object.keys(names)[0]);
    }
  });

  it("does not exist without ADMIN_TOKEN configured", async () => {
    const res = await callWithEnv({ ADMIN_TOKEN: undefined }, "POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: body() });
    expect(res.status).toBe(404);
    expect((await callWithEnv({ ADMIN_TOKEN: "" }, "POST", "/admin/bootstrap", { token: "", body: body() })).status).toBe(404);
  });
});
