/**
 * POST /v1/api_key (src/surfaces/braintrust/api-key/create-api-key.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bootstrap, call } from "../../../helpers/http";

describe("POST /v1/api_key", () => {
  it("creates a key with every ApiKey field filled, and the raw key once", async () => {
    const b = await bootstrap({ given_name: "Grace", family_name: "Hopper" });
    const before = Date.now();
    const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "ci" } });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const key = res.body;
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      created: expect.any(String),
      name: "ci",
      preview_name: `sk-****${key.key.slice(-4)}`,
      user_id: b.user.id,
      user_email: b.user.email,
      user_given_name: "Grace",
      user_family_name: "Hopper",
      org_id: b.org.id,
      expires_at: null,
      last_used_at: null,
      permissions: null,
      ip_allowlist: null,
      rate_limit: null,
      credits: null,
      key: expect.stringMatching(/^sk-[0-9A-Za-z]{61}$/),
    });
    expect(Date.parse(key.created)).toBeGreaterThanOrEqual(before - 1000);
    // the new key authenticates, and reading it back never shows the secret
    const got = await call("GET", `/v1/api_key/${key.id}`, { token: key.key });
    expect(got.status).toBe(200);
    expect(got.body.key).toBeUndefined();
    expect(got.text).not.toContain(key.key.slice(3, 40));
  });

  it("allows duplicate names", async () => {
    const b = await bootstrap();
    const one = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "same" } });
    const two = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "same" } });
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(one.body.id).not.toBe(two.body.id);
  });

  it("accepts a future expires_at and refuses past or invalid ones", async () => {
    const b = await bootstrap();
    const at = new Date(Date.now() + 3_600_000).toISOString();
    const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "temp", expires_at: at } });
    expect(res.status).toBe(200);
    expect(res.body.expires_at).toBe(at);
    const nullable = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "n", expires_at: null } });
    expect(nullable.body.expires_at).toBeNull();
    for (const bad of [new Date(Date.now() - 1000).toISOString(), "tomorrow", 12]) {
      const r = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "x", expires_at: bad } });
      expect(r.status, String(bad)).toBe(400);
      expect(r.body.field).toBe("expires_at");
    }
  });

  it("refuses bad input with 400 naming the field, and ignores unknown fields", async () => {
    const { api_key } = await bootstrap();
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: 5 }, "name"],
      [{ name: "" }, "name"],
      [{ name: "x".repeat(257) }, "name"],
      [{ name: ["a"] }, "name"],
      [{ name: "ok", org_name: 3 }, "org_name"],
    ];
    for (const [input, field] of cases) {
      const res = await call("POST", "/v1/api_key", { token: api_key.key, body: input });
      expect(res.status, JSON.stringify(input)).toBe(400);
      expect(res.body).toMatchObject({ error: "invalid_request", field });
      expect(res.body.message).toContain(`"${field}"`);
      expect(res.body.request_id).toBe(res.headers.get("x-request-id"));
    }
    const extra = await call("POST", "/v1/api_key", { token: api_key.key, body: { name: "ok", colour: "blue" } });
    expect(extra.status).toBe(200);
    expect(extra.body.colour).toBeUndefined();
  });

  it("refuses names with NUL, control characters or lone surrogates (storage would turn them into U+FFFD), and stores nothing", async () => {
    const { api_key } = await bootstrap();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "a\u0000b" }, "name"],
      [{ name: "a\ud800b" }, "name"],
      [{ name: "a\udc00" }, "name"],
      [{ name: "line\nforged" }, "name"],
      [{ name: "ok", org_name: "a\u0000b" }, "org_name"],
      [{ name: "ok", org_name: "\ud800" }, "org_name"],
    ];
    for (const [body, field] of cases) {
      const res = await call("POST", "/v1/api_key", { token: api_key.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: "invalid_request", field });
      expect(res.body.message).toContain(`"${field}"`);
    }
    const listed = await call("GET", "/v1/api_key", { token: api_key.key });
    expect(listed.body.objects).toHaveLength(1); // only the bootstrap key
    // a well-formed surrogate pair is text like any other, and comes back as sent
    const emoji = await call("POST", "/v1/api_key", { token: api_key.key, body: { name: "名前🔑" } });
    expect(emoji.status).toBe(200);
    expect((await call("GET", `/v1/api_key/${emoji.body.id}`, { token: api_key.key })).body.name).toBe("名前🔑");
  });

  it("refuses bodies that are not JSON, malformed, or too large", async () => {
    const { api_key } = await bootstrap();
    const json = { "Content-Type": "application/json" };
    const malformed = await call("POST", "/v1/api_key", { token: api_key.key, rawBody: '{"name":', headers: json });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/JSON/);
    const array = await call("POST", "/v1/api_key", { token: api_key.key, rawBody: "[]", headers: json });
    expect(array.status).toBe(400);
    const text = await call("POST", "/v1/api_key", { token: api_key.key, rawBody: "name=x", headers: { "Content-Type": "text/plain" } });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/Content-Type: application\/json/);
    const huge = await call("POST", "/v1/api_key", { token: api_key.key, body: { name: "x".repeat(70_000) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toBe("payload_too_large");
    const { results } = await env.DB.prepare(
      "SELECT count(*) AS n FROM credentials WHERE principal_id = (SELECT principal_id FROM credentials WHERE id = ?)",
    )
      .bind(api_key.id)
      .all<{ n: number }>();
    expect(results[0]!.n).toBe(1); // nothing was created by any refused request
  });

  it("creates in another of the caller's orgs with org_name, and refuses orgs the caller is not in", async () => {
    const a = await bootstrap();
    const b = await bootstrap({ email: a.user.email });
    const other = await bootstrap();
    const inB = await call("POST", "/v1/api_key", { token: a.api_key.key, body: { name: "b", org_name: b.org.name } });
    expect(inB.body.org_id).toBe(b.org.id);
    const foreign = await call("POST", "/v1/api_key", { token: a.api_key.key, body: { name: "x", org_name: other.org.name } });
    const missing = await call("POST", "/v1/api_key", { token: a.api_key.key, body: { name: "x", org_name: "no-such-org-anywhere" } });
    expect(foreign.status).toBe(403);
    expect(missing.status).toBe(403);
    // an org that exists but is not yours reads exactly like one that does not exist
    expect(foreign.body.message.replace(other.org.name, "N")).toBe(missing.body.message.replace("no-such-org-anywhere", "N"));
  });
});
