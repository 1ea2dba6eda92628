/**
 * Input the Cloudflare surface must refuse in its v4 envelope, found by a
 * security review: durations past Go's int64 of nanoseconds, and names that
 * storage cannot keep as sent. Kept apart from service-tokens.test.ts, which
 * is long enough.
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";

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
      for (const [method, path] of [["POST", a.base], ["PUT", `${a.base}/${t.id}`]] as const) {
        const res = await cf(method, path, { token: a.key, body: { name } });
        expect(res.status, `${method} ${JSON.stringify(name)}`).toBe(400);
        expect(res.body.errors[0]).toMatchObject({ code: 10001, message: expect.stringContaining('"name"'), source: { pointer: "/name" } });
      }
    }
    const listed = (await cf("GET", a.base, { token: a.key })).body.result;
    expect(listed.map((x: { name: string }) => x.name)).toEqual(["kept"]);
  });
});
