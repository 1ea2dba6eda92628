import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken, inMinutes, verify } from "../../helpers/cloudflare";
import { bootstrap, call, unique } from "../../helpers/http";
import { updateCredentialRow } from "../../helpers/homes";

const MISSING = "0190f3a0-0000-7000-8000-000000000000";
const HOUR = 3_600_000;

describe("POST .../access/service_tokens", () => {
  it("answers 201 with the token and its secret, once; the default duration is 8760h", async () => {
    const a = await account();
    const res = await cf("POST", a.base, { token: a.key, body: { name: "CI/CD token" } });
    expect(res.status).toBe(201);
    const t = res.body.result;
    expect(t).toEqual({
      id: expect.any(String),
      client_id: expect.stringMatching(/^[0-9a-f]{32}\.access$/),
      client_secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: "CI/CD token",
      duration: "8760h",
      expires_at: expect.any(String),
      created_at: expect.any(String),
      updated_at: t.created_at,
      last_seen_at: null,
      client_secret_version: 1,
      previous_client_secret_expires_at: null,
      enabled: true,
    });
    expect(Date.parse(t.expires_at) - Date.parse(t.created_at)).toBe(8760 * HOUR);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const got = await cf("GET", `${a.base}/${t.id}`, { token: a.key });
    expect(got.body.result.client_secret).toBeUndefined();
    expect(got.text).not.toContain(t.client_secret);
  });

  it("takes durations in Go's format, forever without expires_at, enabled and client_secret_version", async () => {
    const a = await account();
    for (const [duration, ms] of [["300ms", 300], ["2h45m", 2.75 * HOUR], ["1.5h", 1.5 * HOUR], ["1h30m10s", 5410_000], ["90s", 90_000]] as const) {
      const t = await createToken(a, { duration });
      expect(t.duration).toBe(duration);
      expect(Date.parse(t.expires_at as string) - Date.parse(t.created_at as string), duration).toBe(ms);
    }
    const forever = await createToken(a, { duration: "forever" });
    expect(forever).not.toHaveProperty("expires_at");
    const off = await createToken(a, { enabled: false, client_secret_version: 3 });
    expect(off).toMatchObject({ enabled: false, client_secret_version: 3 });
    expect(await verify(off.client_id, off.client_secret)).toBe("disabled");
  });

  it("refuses bad input with the envelope, a code per kind of problem and the field's pointer", async () => {
    const a = await account();
    const cases: [unknown, number, string][] = [
      [{}, 10001, "/name"],
      [{ name: 5 }, 10001, "/name"],
      [{ name: "" }, 10001, "/name"],
      [{ name: "x", enabled: "yes" }, 10001, "/enabled"],
      [{ name: "x", client_secret_version: 0 }, 10001, "/client_secret_version"],
      [{ name: "x", client_secret_version: 1.5 }, 10001, "/client_secret_version"],
      [{ name: "x", client_secret_version: "2" }, 10001, "/client_secret_version"],
      [{ name: "x", previous_client_secret_expires_at: "soon" }, 10001, "/previous_client_secret_expires_at"],
    ];
    for (const duration of ["1y", "-5h", "h", "", "5", "1.5.5h", "10 h", "99999999999999h", "0s", 7]) {
      cases.push([{ name: "x", duration }, duration === 7 ? 10001 : 10003, "/duration"]);
    }
    for (const [body, code, pointer] of cases) {
      const res = await cf("POST", a.base, { token: a.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0], JSON.stringify(body)).toMatchObject({ code, source: { pointer } });
    }
    const bad = await cf("POST", a.base, { token: a.key, body: { name: "x", duration: "1y" } });
    expect(bad.body.errors[0].message).toContain('"1y" is not a valid duration');
    const json = await cf("POST", a.base, { token: a.key, rawBody: "{nope", headers: { "Content-Type": "application/json" } });
    expect(json.body.errors[0]).toMatchObject({ code: 10002, message: expect.stringMatching(/JSON/) });
    const huge = await cf("POST", a.base, { token: a.key, body: { name: "x".repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.errors[0].code).toBe(10005);
    const extra = await cf("POST", a.base, { token: a.key, body: { name: "ok", colour: "red" } });
    expect(extra.status).toBe(201);
    const listed = await cf("GET", a.base, { token: a.key });
    expect(listed.body.result.map((t: { name: string }) => t.name)).toEqual(["ok"]); // nothing else was created
  });
});

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

describe("GET, PUT, DELETE .../access/service_tokens/{id}", () => {
  it("gets a token, and answers 404 for a missing one or another account's, 400 for a bad id", async () => {
    const a = await account();
    const b = await account();
    const mine = await createToken(a);
    const theirs = await createToken(b);
    const got = await cf("GET", `${a.base}/${mine.id}`, { token: a.key });
    const { client_secret, ...rest } = mine;
    expect(got.body.result).toEqual(rest);
    expect(client_secret).toBeDefined();
    for (const id of [MISSING, theirs.id]) {
      const res = await cf("GET", `${a.base}/${id}`, { token: a.key });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: 10006, message: `Access service token "${id}" not found` });
    }
    const bad = await cf("GET", `${a.base}/not-a-uuid`, { token: a.key });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe(10004);
  });

  it("updates fields; a new duration counts from the update", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1h" });
    const res = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { name: "renamed", duration: "3h" } });
    expect(res.status, res.text).toBe(200);
    const u = res.body.result;
    expect(u).toMatchObject({ id: t.id, client_id: t.client_id, name: "renamed", duration: "3h", client_secret_version: 1 });
    expect(u.client_secret).toBeUndefined();
    expect(Date.parse(u.expires_at) - Date.parse(u.updated_at)).toBe(3 * HOUR);
    expect(Date.parse(u.updated_at)).toBeGreaterThanOrEqual(Date.parse(t.updated_at as string));
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const forever = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { duration: "forever" } });
    expect(forever.body.result).not.toHaveProperty("expires_at");
    const empty = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: {} });
    expect(empty.body.result.name).toBe("renamed");
  });

  it("disables and re-enables", async () => {
    const a = await account();
    const t = await createToken(a);
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    expect(await verify(t.client_id, t.client_secret)).toBe("disabled");
    const back = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: true } });
    expect(back.body.result.enabled).toBe(true);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
  });

  it("refuses bad update input", async () => {
    const a = await account();
    const t = await createToken(a, { client_secret_version: 2 });
    const cases: [unknown, number][] = [
      [{ duration: "-5h" }, 10003],
      [{ duration: "1d" }, 10003],
      [{ name: 3 }, 10001],
      [{ enabled: "false" }, 10001],
      [{ client_secret_version: 1 }, 10001], // may only go up
      [{ previous_client_secret_expires_at: 12 }, 10001],
    ];
    for (const [body, code] of cases) {
      const res = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].code, JSON.stringify(body)).toBe(code);
    }
    expect((await cf("PUT", `${a.base}/${MISSING}`, { token: a.key, body: { name: "x" } })).status).toBe(404);
    const unchanged = await cf("GET", `${a.base}/${t.id}`, { token: a.key });
    expect(unchanged.body.result).toMatchObject({ name: "svc", client_secret_version: 2, duration: "8760h" });
  });

  it("deletes: answers the token, whose secrets stop working at once", async () => {
    const a = await account();
    const t = await createToken(a);
    const res = await cf("DELETE", `${a.base}/${t.id}`, { token: a.key });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ id: t.id, client_id: t.client_id, name: "svc" });
    expect(await verify(t.client_id, t.client_secret)).toBe("unknown");
    expect((await cf("GET", `${a.base}/${t.id}`, { token: a.key })).status).toBe(404);
    expect((await cf("DELETE", `${a.base}/${t.id}`, { token: a.key })).status).toBe(404);
  });
});

describe("refresh and rotate", () => {
  it("refresh extends expires_at by the duration from now and keeps the secret", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "2h" });
    await updateCredentialRow(t.id, { expires_at: Date.now() - 1 });
    expect(await verify(t.client_id, t.client_secret)).toBe("expired");
    const res = await cf("POST", `${a.base}/${t.id}/refresh`, { token: a.key });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.client_secret).toBeUndefined();
    expect(Date.parse(r.expires_at) - Date.parse(r.updated_at)).toBe(2 * HOUR);
    expect(Date.parse(r.expires_at)).toBeGreaterThan(Date.now() + HOUR);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const forever = await createToken(a, { duration: "forever" });
    const stays = await cf("POST", `${a.base}/${forever.id}/refresh`, { token: a.key });
    expect(stays.body.result).not.toHaveProperty("expires_at");
  });

  it("rotate without a grace time kills the old secret at once", async () => {
    const a = await account();
    const t = await createToken(a);
    for (const opts of [{}, { body: {} }]) {
      const before = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
      const res = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, ...opts });
      expect(res.status, res.text).toBe(200);
      const r = res.body.result;
      expect(r).toMatchObject({ id: t.id, client_id: t.client_id, client_secret_version: before.client_secret_version + 1 });
      expect(r.client_secret).toMatch(/^[0-9a-f]{64}$/);
      expect(await verify(t.client_id, r.client_secret)).toBe("ok");
      expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
      t.client_secret = r.client_secret;
    }
    // the dead secret's hash is not kept
    const row = await env.DB.prepare("SELECT prev_secret_hash AS h FROM credentials WHERE id = ?").bind(t.id).first();
    expect(row).toEqual({ h: null });
  });

  it("rotate with a grace time keeps both secrets until then; PUT moves it later or into the past", async () => {
    const a = await account();
    const t = await createToken(a);
    const until = inMinutes(10);
    const res = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: until } });
    const fresh = res.body.result.client_secret;
    expect(res.body.result.previous_client_secret_expires_at).toBe(until);
    expect(await verify(t.client_id, fresh)).toBe("ok");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    const later = inMinutes(60);
    const moved = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: later } });
    expect(moved.body.result.previous_client_secret_expires_at).toBe(later);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    // disabled during the grace period: neither secret works; re-enabled: both again
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    expect(await verify(t.client_id, t.client_secret)).toBe("disabled");
    expect(await verify(t.client_id, fresh)).toBe("disabled");
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: true } });
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    const past = new Date(Date.now() - 1000).toISOString();
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: past } });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
    expect(await verify(t.client_id, fresh)).toBe("ok");
    // once dead, moving the time later again does not bring the old secret back
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(30) } });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
  });

  it("refuses the previous secret once its grace time has passed", async () => {
    const a = await account();
    const t = await createToken(a);
    await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(5) } });
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    await updateCredentialRow(t.id, { prev_expires_at: Date.now() - 1 });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
  });

  it("raising client_secret_version with PUT rotates and returns the new secret", async () => {
    const a = await account();
    const t = await createToken(a);
    const res = await cf("PUT", `${a.base}/${t.id}`, {
      token: a.key,
      body: { client_secret_version: 5, previous_client_secret_expires_at: inMinutes(5) },
    });
    expect(res.body.result).toMatchObject({ client_secret_version: 5, client_secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await verify(t.client_id, res.body.result.client_secret)).toBe("ok");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok"); // in its grace period
    const same = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { client_secret_version: 5 } });
    expect(same.body.result.client_secret).toBeUndefined();
    const noGrace = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { client_secret_version: 6 } });
    expect(await verify(t.client_id, res.body.result.client_secret)).toBe("invalid_secret");
    expect(await verify(t.client_id, noGrace.body.result.client_secret)).toBe("ok");
  });

  it("refuses a bad rotate body and unknown tokens", async () => {
    const a = await account();
    const t = await createToken(a);
    const bad = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: "later" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].source.pointer).toBe("/previous_client_secret_expires_at");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    expect((await cf("POST", `${a.base}/${MISSING}/rotate`, { token: a.key, body: {} })).status).toBe(404);
    expect((await cf("POST", `${a.base}/${MISSING}/refresh`, { token: a.key })).status).toBe(404);
  });

  it("loses no concurrent update", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1h" });
    const [renamed, refreshed, disabled] = await Promise.all([
      cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { name: "n2" } }),
      cf("POST", `${a.base}/${t.id}/refresh`, { token: a.key }),
      cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } }),
    ]);
    expect([renamed.status, refreshed.status, disabled.status]).toEqual([200, 200, 200]);
    const final = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
    expect(final).toMatchObject({ name: "n2", enabled: false });
  });
});

describe("authentication and accounts", () => {
  it("takes Bearer keys and service tokens of an owner, or X-Auth-Email with X-Auth-Key", async () => {
    const a = await account();
    expect((await cf("GET", a.base, { token: a.key })).status).toBe(200);
    const byEmail = await cf("GET", a.base, { headers: { "X-Auth-Email": a.user.email.toUpperCase(), "X-Auth-Key": a.key } });
    expect(byEmail.status).toBe(200);
    // also without the /client/v4 prefix
    expect((await cf("GET", `/accounts/${a.org.account_id}/access/service_tokens`, { token: a.key })).status).toBe(200);
  });

  it("answers 401 with code 9106 without credentials and 10000 for bad ones", async () => {
    const a = await account();
    const none = await cf("GET", a.base);
    expect(none.status).toBe(401);
    expect(none.body.errors[0].code).toBe(9106);
    const badCases: Record<string, string>[] = [
      { Authorization: "Bearer sk-nonsense" },
      { Authorization: "Basic abc" },
      { "X-Auth-Email": "someone-else@example.com", "X-Auth-Key": a.key },
      { "X-Auth-Key": a.key },
      { "X-Auth-Email": a.user.email },
    ];
    for (const headers of badCases) {
      const res = await cf("GET", a.base, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.errors[0].code).toBe(10000);
    }
    await call("DELETE", `/v1/api_key/${a.api_key.id}`, { token: a.key });
    expect((await cf("GET", a.base, { token: a.key })).status).toBe(401);
  });

  it("answers another account, or a malformed one, exactly like a missing one (7003)", async () => {
    const a = await account();
    const b = await account();
    await createToken(b, { name: "secret-name" });
    for (const accountId of [b.org.account_id, "0".repeat(32), "not-an-account", b.org.id]) {
      for (const [method, suffix] of [["GET", ""], ["POST", ""], ["GET", `/${MISSING}`], ["POST", `/${MISSING}/rotate`]] as const) {
        const res = await cf(method, `/client/v4/accounts/${accountId}/access/service_tokens${suffix}`, {
          token: a.key,
          body: method === "POST" ? { name: "x" } : undefined,
        });
        expect(res.status, `${method} ${accountId}${suffix}`).toBe(404);
        expect(res.body.errors[0].code).toBe(7003);
        expect(res.text).not.toContain("secret-name");
      }
    }
    expect((await cf("GET", b.base, { token: b.key })).body.result).toHaveLength(1);
  });

  it("refuses a member's credential with 403 (9109)", async () => {
    const a = await account();
    const member = await bootstrap({ email: `${unique("m")}@example.com` });
    await call("PATCH", "/v1/organization/members", { token: a.key, body: { invite_users: { emails: [member.user.email] } } });
    const res = await cf("GET", a.base, { token: member.api_key.key });
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatchObject({ code: 9109, message: expect.stringMatching(/owner/) });
    expect((await cf("POST", a.base, { token: member.api_key.key, body: { name: "x" } })).status).toBe(403);
  });

  it("answers unknown paths and methods in the envelope", async () => {
    const a = await account();
    const path = await cf("GET", `/client/v4/accounts/${a.org.account_id}/nothing`, { token: a.key });
    expect(path.status).toBe(404);
    expect(path.body.errors[0].code).toBe(7000);
    const method = await cf("PATCH", a.base, { token: a.key, body: {} });
    expect(method.status).toBe(405);
    expect(method.body.errors[0].code).toBe(10007);
    expect(method.headers.get("allow")).toContain("POST");
  });
});
