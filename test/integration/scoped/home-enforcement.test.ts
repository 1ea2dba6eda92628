/**
 * A scoped credential's IP allowlist, rate limit and credits, decided in its
 * home in the one call that verifies it: exact under concurrency, felt by the
 * next request after a change, and at no extra D1 statement or DO call.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bootstrap, call, callWithEnv } from "../../helpers/http";
import { newBox } from "../../helpers/lifecycle";
import { from, releaseHome, scopedKey } from "../../helpers/scoped";

const list = (key: string, ip = "192.0.2.10") => from(ip, "GET", "/v1/api_key?limit=1", { token: key });

describe("IP allowlist", () => {
  it("admits IPv4, IPv6 and IPv4-mapped spellings inside it, 403 elsewhere, and charges no failure budget", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { ip_allowlist: ["192.0.2.0/24", "2001:db8:abcd::/48", "::ffff:198.51.100.7"] });
    expect(k.ip_allowlist).toEqual(["192.0.2.0/24", "2001:db8:abcd::/48", "198.51.100.7"]);
    for (const ip of [
      "192.0.2.10",
      "::ffff:192.0.2.99",
      "::FFFF:c000:201",
      "2001:db8:abcd:12::1",
      "2001:0db8:abcd:0000:0000:0000:0000:0001",
      "198.51.100.7",
      "::ffff:198.51.100.7",
    ]) {
      expect((await list(k.key, ip)).status, ip).toBe(200);
    }
    // Well over the failure budget (20): a proven credential outside its range is no guess.
    for (let i = 0; i < 25; i++) {
      const res = await list(k.key, "203.0.113.5");
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/may not be used from your address/);
    }
    for (const ip of ["198.51.100.8", "2001:db8:abce::1", "::192.0.2.10", "010.0.2.10"])
      expect((await list(k.key, ip)).status, ip).toBe(403);
    // No address at all: refused (fail closed).
    expect((await call("GET", "/v1/api_key", { token: k.key })).status).toBe(403);
    expect((await list(k.key, "192.0.2.10")).status).toBe(200);
  });

  it("refuses get-identity (403) from outside the range, as the gateway would", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { ip_allowlist: ["192.0.2.0/24"] });
    expect((await from("192.0.2.1", "GET", "/cdn-cgi/access/get-identity", { token: k.key })).status).toBe(200);
    expect((await from("192.0.3.1", "GET", "/cdn-cgi/access/get-identity", { token: k.key })).status).toBe(403);
  });

  it("400s an entry that is no address, naming it", async () => {
    const o = await bootstrap();
    for (const bad of ["192.0.2.0/33", "10.1", "0xc0.0.2.1", "fe80::1%eth0", "example.com"]) {
      const res = await call("POST", "/v1/api_key", { token: o.api_key.key, body: { name: "x", ip_allowlist: ["192.0.2.1", bad] } });
      expect(res.status, bad).toBe(400);
      expect(res.body.message).toContain("ip_allowlist[1]");
    }
  });
});

describe("credits", () => {
  it("64 concurrent requests on 10 credits: exactly 10 succeed, the rest 429 saying so, without Retry-After", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { credits: { remaining: 10 } });
    const answers = await Promise.all(Array.from({ length: 64 }, () => list(k.key)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const refused = answers.filter((a) => a.status !== 200);
    expect(new Set(refused.map((a) => a.status))).toEqual(new Set([429]));
    expect(refused[0]!.body.message).toMatch(/no credits left; no refill is due/);
    expect(refused[0]!.headers.get("Retry-After")).toBeNull();
    // Remaining never goes below 0, here and in D1's copy.
    const row = await env.DB.prepare("SELECT credits_remaining, credits_exhausted_at FROM credentials WHERE id = ?")
      .bind(k.id)
      .first<any>();
    expect(row.credits_remaining).toBe(0);
    expect(row.credits_exhausted_at).not.toBeNull();
    const got = await call("GET", `/v1/api_key/${k.id}`, { token: o.api_key.key });
    expect(got.body.credits).toEqual({ remaining: 0, refill: null });
  });

  it("an owner's new setting resets the home's count at once", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { credits: { remaining: 1 } });
    expect((await list(k.key)).status).toBe(200);
    expect((await list(k.key)).status).toBe(429);
    const set = await call("PATCH", `/v1/api_key/${k.id}`, { token: o.api_key.key, body: { credits: { remaining: 2 } } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.credits).toEqual({ remaining: 2, refill: null });
    expect((await list(k.key)).status).toBe(200);
    expect((await list(k.key)).status).toBe(200);
    expect((await list(k.key)).status).toBe(429);
    // Cleared: unlimited from the next request.
    await call("PATCH", `/v1/api_key/${k.id}`, { token: o.api_key.key, body: { credits: null } });
    expect((await list(k.key)).status).toBe(200);
  });

  it("a refill lands exactly on its interval, and Retry-After says when", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { credits: { remaining: 1, refill: { amount: 3, interval_seconds: 60 } } });
    expect((await list(k.key)).status).toBe(200);
    // Move the setting's stamp back so that the next interval begins 1.5 s from now (as 58.5 s of waiting would).
    const policy = JSON.parse(
      (await env.DB.prepare("SELECT policy FROM credentials WHERE id = ?").bind(k.id).first<{ policy: string }>())!.policy,
    );
    const boundary = Date.now() + 1500;
    policy.credits.setAt = boundary - 60_000;
    await env.DB.prepare("UPDATE credentials SET policy = ? WHERE id = ?").bind(JSON.stringify(policy), k.id).run();
    await releaseHome(k.id); // a new stamp starts the count over: from the setting's 1
    expect((await list(k.key)).status).toBe(200);
    const early = await list(k.key);
    expect(early.status).toBe(429);
    expect(Number(early.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    expect(Number(early.headers.get("Retry-After"))).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, Math.max(0, boundary - Date.now() - 150)));
    expect((await list(k.key)).status).toBe(429); // just before: nothing yet
    await new Promise((r) => setTimeout(r, Math.max(0, boundary - Date.now() + 50)));
    const after = await Promise.all(Array.from({ length: 5 }, () => list(k.key)));
    expect(after.filter((a) => a.status === 200)).toHaveLength(3); // topped up to the amount, once
  });

  it("raises credential.credits_exhausted once per exhaustion", async () => {
    const o = await bootstrap();
    await call("POST", "/v1/webhook", { token: o.api_key.key, body: { url: newBox() } });
    const k = await scopedKey(o.api_key.key, { credits: { remaining: 2 } });
    for (let i = 0; i < 5; i++) await list(k.key);
    await call("PATCH", `/v1/api_key/${k.id}`, { token: o.api_key.key, body: { credits: { remaining: 1 } } });
    for (let i = 0; i < 3; i++) await list(k.key);
    await new Promise((r) => setTimeout(r, 100)); // the home's write runs after its answer
    const { results } = await env.DB.prepare("SELECT data FROM webhook_events WHERE org_id = ? AND type = 'credential.credits_exhausted'")
      .bind(o.org.id)
      .all<{ data: string }>();
    expect(results).toHaveLength(2);
    expect(JSON.parse(results[0]!.data)).toMatchObject({ kind: "api_key", id: k.id });
  });
});

describe("rate limit override", () => {
  it("replaces the default, shows in RateLimit and RateLimit-Policy, and a change is felt by the next request", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, { rate_limit: { limit: 3, window_seconds: 60 } });
    const first = await list(k.key);
    expect(first.headers.get("RateLimit")).toBe('"credential";r=2;t=20');
    expect(first.headers.get("RateLimit-Policy")).toContain('"credential";q=3;w=60');
    await list(k.key);
    await list(k.key);
    const over = await list(k.key);
    expect(over.status).toBe(429);
    expect(over.body.message).toContain("Rate limit of 3 requests per 60 s");
    await call("PATCH", `/v1/api_key/${k.id}`, { token: o.api_key.key, body: { rate_limit: { limit: 100, window_seconds: 60 } } });
    const raised = await list(k.key);
    expect(raised.status).toBe(200);
    expect(raised.headers.get("RateLimit")).toMatch(/^"credential";r=99;/);
  });
});

describe("the hot path", () => {
  it("costs no D1 statement and one DO call in the steady state, with permissions, allowlist, limit and credits", async () => {
    const o = await bootstrap();
    const k = await scopedKey(o.api_key.key, {
      permissions: ["identity", "api_keys:read"],
      ip_allowlist: ["192.0.2.0/24"],
      rate_limit: { limit: 1000, window_seconds: 60 },
      credits: { remaining: 100, refill: { amount: 100, interval_seconds: 3600 } },
    });
    const headers = { "CF-Connecting-IP": "192.0.2.1" };
    const first = await callWithEnv({ BENCH_METRICS: "1" }, "GET", "/cdn-cgi/access/get-identity", { token: k.key, headers });
    expect(first.status, first.text).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await callWithEnv({ BENCH_METRICS: "1" }, "GET", "/cdn-cgi/access/get-identity", { token: k.key, headers });
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Bench-D1-Queries")).toBe("0");
      expect(res.headers.get("X-Bench-DO-Calls")).toBe("1");
    }
  });
});
