/**
 * POST /accounts/{account_id}/access/service_tokens
 * (src/surfaces/cloudflare/service-token/create-service-token.ts).
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken, HOUR, verify } from "../../../helpers/cloudflare";

describe("POST .../access/service_tokens", () => {
  it("answers 201 with the token and its secret, once; the default duration is 8760h", async () => {
    const a = await account();
    const res = await cf("POST", a.base, { token: a.key, body: { name: "CI/CD token" } });
    expect(res.status).toBe(201);
    const t = res.body.result;
    expect(t).toEqual({
      id: expect.any(String),
      client_id: expect.stringMatching(/^[0-9a-f]{32}\.access$/),
      client_secret: expect.stringMatching(/^ekcs_[0-9A-Za-z]{61}$/),
      name: "CI/CD token",
      duration: "8760h",
      expires_at: expect.any(String),
      created_at: expect.any(String),
      updated_at: t.created_at,
      client_secret_version: 1,
      previous_client_secret_expires_at: null,
      enabled: true,
      // edgekeys' policy extension: not limited
      permissions: null,
      ip_allowlist: null,
      rate_limit: null,
      credits: null,
    });
    expect(t).not.toHaveProperty("last_seen_at"); // never used: absent, never null (Access's schema allows no null)
    expect(Date.parse(t.expires_at) - Date.parse(t.created_at)).toBe(8760 * HOUR);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const got = await cf("GET", `${a.base}/${t.id}`, { token: a.key });
    expect(got.body.result.client_secret).toBeUndefined();
    expect(got.text).not.toContain(t.client_secret);
  });

  it("takes durations in Go's format, forever without expires_at, enabled and client_secret_version", async () => {
    const a = await account();
    for (const [duration, ms] of [
      ["300ms", 300],
      ["2h45m", 2.75 * HOUR],
      ["1.5h", 1.5 * HOUR],
      ["1h30m10s", 5410_000],
      ["90s", 90_000],
    ] as const) {
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

// Input refused in the v4 envelope, found by a security review: durations past Go's int64 of
// nanoseconds, and names that storage cannot keep as sent (both on update too).
describe("durations past Go's largest", () => {
  it("refuses one nanosecond past 2^63-1 ns on create and update, and accepts the largest", async () => {
    const a = await account();
    for (const duration of ["9223372036854775808ns", "2562047h47m16.854775808s"]) {
      const created = await cf("POST", a.base, { token: a.key, body: { name: "too-long", duration } });
      expect(created.status, duration).toBe(400);
      expect(created.body.errors[0], duration).toMatchObject({
        code: 10003,
        message: expect.stringContaining(`"${duration}" is not a valid duration`),
        source: { pointer: "/duration" },
      });
    }
    const t = await createToken(a, { duration: "1h" });
    const updated = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { duration: "9223372036854775808ns" } });
    expect(updated.status).toBe(400);
    expect(updated.body.errors[0]).toMatchObject({ code: 10003, source: { pointer: "/duration" } });
    expect((await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result.duration).toBe("1h");
    const max = await createToken(a, { name: "max", duration: "2562047h47m16.854775807s" });
    expect(max.duration).toBe("2562047h47m16.854775807s");
    const names = (await cf("GET", a.base, { token: a.key })).body.result.map((x: { name: string }) => x.name);
    expect(names).not.toContain("too-long");
  });
});

describe("names storage cannot keep as sent", () => {
  it("refuses NUL, control characters and lone surrogates on create and update, naming the field", async () => {
    const a = await account();
    const t = await createToken(a, { name: "kept" });
    for (const name of ["a\u0000b", "a\ud800b", "\udfff", "tab\there"]) {
      for (const [method, path] of [
        ["POST", a.base],
        ["PUT", `${a.base}/${t.id}`],
      ] as const) {
        const res = await cf(method, path, { token: a.key, body: { name } });
        expect(res.status, `${method} ${JSON.stringify(name)}`).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 10001, message: expect.stringContaining('"name"'), source: { pointer: "/name" } });
      }
    }
    const listed = (await cf("GET", a.base, { token: a.key })).body.result;
    expect(listed.map((x: { name: string }) => x.name)).toEqual(["kept"]);
  });
});
