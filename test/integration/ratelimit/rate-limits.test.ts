import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { bootstrap, callWithEnv, countingDb, type CallOptions } from "../../helpers/http";
import { countingLimiter, rewind, unreachableLimiter } from "../../helpers/ratelimit";
import { clientHeaders, IDENTITY } from "../../helpers/service-auth";

const LIMITS = { RATE_LIMIT_REQUESTS: "5", RATE_LIMIT_WINDOW_SECONDS: "60", AUTH_FAILURE_LIMIT: "3", AUTH_FAILURE_WINDOW_SECONDS: "60" };
const limited = (method: string, path: string, opts: CallOptions = {}, extra: Record<string, unknown> = {}) =>
  callWithEnv({ ...LIMITS, ...extra }, method, path, opts);

const burst = (n: number, make: () => Promise<{ status: number }>) => Promise.all(Array.from({ length: n }, make));
const count = (answers: { status: number }[], status: number) => answers.filter((a) => a.status === status).length;

describe("per-credential limits", () => {
  it("admits exactly N of a 3N concurrent burst on every surface, each 429 in its own format", async () => {
    const b = await bootstrap();
    const a = await account();
    const t = await createToken(a);
    const surfaces = [
      { name: "braintrust", run: () => limited("GET", "/v1/api_key", { token: b.api_key.key }), check: (body: any) => expect(body).toMatchObject({ error: "rate_limited" }) },
      {
        name: "cloudflare",
        run: () => limited("GET", a.base, { token: a.key }),
        check: (body: any) => expect(body).toMatchObject({ success: false, result: null, errors: [{ code: 10009 }] }),
      },
      {
        name: "service auth",
        run: () => limited("GET", IDENTITY, { headers: clientHeaders(t.client_id, t.client_secret) }),
        check: (body: any) => expect(body).toMatchObject({ error: "rate_limited", request_id: expect.any(String) }),
      },
    ];
    for (const s of surfaces) {
      const answers = await burst(15, s.run);
      expect(count(answers, 200), s.name).toBe(5);
      expect(count(answers, 429), s.name).toBe(10);
      const refused = answers.find((r) => r.status === 429)! as Awaited<ReturnType<typeof limited>>;
      s.check(refused.body);
      expect(refused.headers.get("retry-after")).toBe("12");
    }
  });

  it("counts down in RateLimit headers, sends the policy, and admits again when Retry-After has passed", async () => {
    const b = await bootstrap();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await limited("GET", "/v1/api_key", { token: b.api_key.key });
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit-policy")).toBe('"credential";q=5;w=60, "auth-failures";q=3;w=60');
      remaining.push(res.headers.get("ratelimit")!);
    }
    expect(remaining.map((h) => h.match(/r=(\d+)/)![1])).toEqual(["4", "3", "2", "1", "0"]);
    const refused = await limited("GET", "/v1/api_key", { token: b.api_key.key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("ratelimit")).toMatch(/^"credential";r=0;t=\d+$/);
    const wait = Number(refused.headers.get("retry-after"));
    await rewind(`credential:${b.api_key.id}`, (wait - 1) * 1000);
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(429); // a second early
    await rewind(`credential:${b.api_key.id}`, 1000);
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(200);
    await rewind(`credential:${b.api_key.id}`, 60_000);
    const full = await burst(8, () => limited("GET", "/v1/api_key", { token: b.api_key.key }));
    expect(count(full, 200)).toBe(5);
  });

  it("keeps one credential's exhaustion from touching another's", async () => {
    const b = await bootstrap();
    const other = await bootstrap({ org_name: b.org.name });
    await burst(8, () => limited("GET", "/v1/api_key", { token: b.api_key.key }));
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(429);
    expect((await limited("GET", "/v1/api_key", { token: other.api_key.key })).status).toBe(200);
  });

  it("costs one Durable Object call and one D1 read on the steady path", async () => {
    const b = await bootstrap();
    await limited("GET", "/v1/api_key/" + b.api_key.id, { token: b.api_key.key }); // records last use
    const limiter = countingLimiter();
    const db = countingDb(env.DB);
    const res = await callWithEnv({ RATE_LIMITER: limiter.binding, DB: db.db }, "GET", `/cdn-cgi/access/get-identity`, {
      token: b.api_key.key,
    });
    expect(res.status).toBe(200);
    expect(limiter.names).toEqual([`credential:${b.api_key.id}`]);
    expect(db.statements).toHaveLength(1);
  });
});

describe("per-IP failed-authentication limits", () => {
  it("lets exactly N failures of a 3N burst through, then refuses the IP before any lookup", async () => {
    const a = await account();
    const t = await createToken(a);
    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const wrong = clientHeaders(t.client_id, "9".repeat(64));
    const answers = await burst(9, () => limited("GET", IDENTITY, { headers: { ...wrong, "CF-Connecting-IP": ip } }));
    expect(count(answers, 401)).toBe(3);
    expect(count(answers, 429)).toBe(6);
    // now even the right secret gets 429 from that IP: the guess's outcome is not revealed
    const right = await limited("GET", IDENTITY, { headers: { ...clientHeaders(t.client_id, t.client_secret), "CF-Connecting-IP": ip } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(right.headers.get("ratelimit")).toMatch(/^"auth-failures";r=0;t=\d+$/);
    // another IP is untouched
    const elsewhere = { "CF-Connecting-IP": "203.0.113.9" };
    expect((await limited("GET", IDENTITY, { headers: { ...clientHeaders(t.client_id, t.client_secret), ...elsewhere } })).status).toBe(200);
    expect((await limited("GET", IDENTITY, { headers: { ...wrong, ...elsewhere } })).status).toBe(401);
  });

  it("counts malformed and unknown tokens too, but not missing credentials or proven disabled ones", async () => {
    const b = await bootstrap();
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    const from = (headers: Record<string, string>) => limited("GET", "/v1/api_key", { headers: { ...headers, "CF-Connecting-IP": ip } });
    for (let i = 0; i < 5; i++) expect((await from({})).status).toBe(401); // missing: not a guess
    expect((await from({ Authorization: "Bearer sk-malformed" })).headers.get("ratelimit")).toBe('"auth-failures";r=2;t=20');
    expect((await from({ Authorization: "Bearer sk-malformed" })).status).toBe(401);
    expect((await from({ Authorization: "Bearer sk-malformed" })).status).toBe(401);
    const fourth = await from({ Authorization: "Bearer sk-malformed" });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toBe("rate_limited");
    expect((await from({ Authorization: `Bearer ${b.api_key.key}` })).status).toBe(429);
    // the window passes: the IP may try again
    await rewind(`ip:${ip}`, 60_000);
    await env.DB.prepare("DELETE FROM auth_failure_blocks WHERE ip = ?").bind(ip).run();
    expect((await from({ Authorization: `Bearer ${b.api_key.key}` })).status).toBe(200);
  });
});

describe("when the rate limiter cannot be reached", () => {
  it("fails open for counting by default, closed when RATE_LIMIT_FAIL_OPEN is false", async () => {
    const b = await bootstrap();
    const open = await limited("GET", "/v1/api_key", { token: b.api_key.key }, { RATE_LIMITER: unreachableLimiter });
    expect(open.status).toBe(200);
    const closed = await limited("GET", "/v1/api_key", { token: b.api_key.key }, { RATE_LIMITER: unreachableLimiter, RATE_LIMIT_FAIL_OPEN: "false" });
    expect(closed.status).toBe(429);
    expect(closed.headers.get("retry-after")).toBe("60");
  });

  it("fails closed for failed authentications", async () => {
    const res = await limited(
      "GET",
      "/v1/api_key",
      { headers: { Authorization: "Bearer sk-guess", "CF-Connecting-IP": "192.0.2.200" } },
      { RATE_LIMITER: unreachableLimiter },
    );
    expect(res.status).toBe(429);
  });
});
