import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { bootstrap, callWithEnv, countingDb, type CallOptions } from "../../helpers/http";
import { blockedSeconds, forget, forgetBlocked } from "../../../src/auth/ip-blocks";
import { expectLog } from "../../helpers/expected-logs";
import { eventually, homeState, unreachableHomes } from "../../helpers/homes";
import { countingNamespace, rewind, unreachableLimiter } from "../../helpers/ratelimit";
import { clientHeaders, IDENTITY, orgWithToken } from "../../helpers/service-auth";

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
      {
        name: "braintrust",
        run: () => limited("GET", "/v1/api_key", { token: b.api_key.key }),
        check: (body: any) => expect(body).toMatchObject({ error: "rate_limited" }),
      },
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
    await rewind(`key:${b.api_key.id}`, (wait - 1) * 1000);
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(429); // a second early
    await rewind(`key:${b.api_key.id}`, 1000);
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(200);
    await rewind(`key:${b.api_key.id}`, 60_000);
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

  it("costs one Durable Object call and no D1 read on the steady path", async () => {
    const b = await bootstrap();
    const ref = { kind: "api_key" as const, id: b.api_key.id };
    await limited("GET", IDENTITY, { token: b.api_key.key }); // the home reads the record once
    await eventually(async () => (await homeState(ref)).cached);
    const { loadedAt } = await homeState(ref);
    const homes = countingNamespace(env.CREDENTIALS);
    const limiter = countingNamespace(env.RATE_LIMITER);
    const db = countingDb(env.DB);
    for (let i = 0; i < 3; i++) {
      const res = await callWithEnv({ CREDENTIALS: homes.binding, RATE_LIMITER: limiter.binding, DB: db.db }, "GET", IDENTITY, {
        token: b.api_key.key,
      });
      expect(res.status).toBe(200);
    }
    expect(homes.names).toEqual([`key:${b.api_key.id}`, `key:${b.api_key.id}`, `key:${b.api_key.id}`]);
    expect(limiter.names).toEqual([]);
    expect(db.statements).toEqual([]);
    // and the home answered from what it held: it read nothing from D1 either
    expect((await homeState(ref)).loadedAt).toBe(loadedAt);
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
    expect((await limited("GET", IDENTITY, { headers: { ...clientHeaders(t.client_id, t.client_secret), ...elsewhere } })).status).toBe(
      200,
    );
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
    expect((await from({ Authorization: `Bearer ${b.api_key.key}` })).status).toBe(200);
  });
});

describe("per-IP limits count one client under one key, however its address is written", () => {
  const octet = () => 1 + Math.floor(Math.random() * 254);
  const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
  const guess = (ip: string) => limited("GET", "/v1/api_key", { headers: { Authorization: "Bearer sk-guess", "CF-Connecting-IP": ip } });
  /** The keys this isolate refuses before anything else. */
  const blockedIps = async (...keys: string[]) => keys.filter((k) => blockedSeconds(k, Date.now()) > 0).sort();

  it("shares one budget between an IPv4 address and its IPv4-mapped IPv6 spellings", async () => {
    const b = await bootstrap();
    const [x, y] = [octet(), octet()];
    const ip = `100.64.${x}.${y}`;
    const hexForm = `::FFFF:6440:${((x << 8) | y).toString(16).padStart(4, "0")}`;
    expect((await guess(ip)).status).toBe(401);
    expect((await guess(`::ffff:${ip}`)).status).toBe(401);
    expect((await guess(`0:0:0:0:0:ffff:${ip}`)).status).toBe(401);
    expect((await guess(hexForm)).status).toBe(429);
    // blocked under the IPv4 address: the right key from the plain address is refused too
    const right = await limited("GET", "/v1/api_key", { token: b.api_key.key, headers: { "CF-Connecting-IP": ip } });
    expect(right.status).toBe(429);
    expect(await blockedIps(ip, hexForm, `::ffff:${ip}`)).toEqual([ip]);
  });

  it("shares one budget within an IPv6 /64, whatever the spelling, and not across /64s", async () => {
    const b = await bootstrap();
    const [p, q] = [hex(), hex()];
    expect((await guess(`2001:db8:${p}:${q}::1`)).status).toBe(401);
    expect((await guess(`2001:db8:${p}:${q}::2`)).status).toBe(401);
    expect((await guess(`2001:DB8:${p.toUpperCase()}:${q.padStart(4, "0")}:0:0::3`)).status).toBe(401);
    // a fourth address of the same /64 finds the budget spent
    expect((await guess(`2001:0db8:${p}:${q}:ffff:ffff:ffff:fffe`)).status).toBe(429);
    const fromBlocked = await limited("GET", "/v1/api_key", {
      token: b.api_key.key,
      headers: { "CF-Connecting-IP": `2001:db8:${p}:${q}::99` },
    });
    expect(fromBlocked.status).toBe(429);
    expect(await blockedIps(`2001:db8:${p}:${q}::/64`)).toEqual([`2001:db8:${p}:${q}::/64`]);
    // the neighbouring /64 is another client
    const neighbour = `2001:db8:${p}:${(parseInt(q, 16) + 1).toString(16)}::1`;
    expect((await guess(neighbour)).status).toBe(401);
    expect((await limited("GET", "/v1/api_key", { token: b.api_key.key, headers: { "CF-Connecting-IP": neighbour } })).status).toBe(200);
  });

  it("keys the RPC entrypoint's options.ip the same way", async () => {
    const o = await orgWithToken();
    const wrong = clientHeaders(o.token.client_id, "3".repeat(64));
    const ip = `100.65.${octet()}.${octet()}`;
    const limit = Number(env.AUTH_FAILURE_LIMIT);
    for (let i = 0; i < limit; i++) {
      const spelling = i % 2 ? ip : `::ffff:${ip}`;
      expect(await exports.AuthService.verify(wrong, { ip: spelling }), spelling).toMatchObject({ ok: false, status: 401 });
    }
    expect(await exports.AuthService.verify(wrong, { ip: `::FFFF:${ip}` })).toMatchObject({ ok: false, status: 429 });
    expect(await exports.AuthService.verify(clientHeaders(o.token.client_id, o.token.client_secret), { ip })).toMatchObject({
      ok: false,
      status: 429,
    });
  });

  it("counts an address that spent its budget before judging its requests: a later burst gets no more than the bucket holds", async () => {
    const o = await orgWithToken();
    const ip = `100.70.${octet()}.${octet()}`;
    const from = (secret: string) =>
      limited("GET", IDENTITY, { headers: { ...clientHeaders(o.token.client_id, secret), "CF-Connecting-IP": ip } });
    for (let i = 0; i < 3; i++) expect((await from("6".repeat(64))).status).toBe(401);
    expect((await from("6".repeat(64))).status).toBe(429); // the budget is spent: blocked, and suspect for the window
    // 40 s later two tokens are back and the block has run out (the suspicion has not)
    await rewind(`ip:${ip}`, 40_000, { keepMemo: true });
    forgetBlocked(ip);
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => from(i % 2 ? o.token.client_secret : "7".repeat(64))));
    const judged = burst.filter((r) => r.status !== 429);
    expect(judged).toHaveLength(2);
    // a right secret that was judged gave its token back; a wrong one kept it (read past this isolate's memo)
    const rightOnes = judged.filter((r) => r.status === 200).length;
    forgetBlocked(ip);
    expect((await from("8".repeat(64))).status).toBe(rightOnes > 0 ? 401 : 429);
  });

  it("does not make a busy address's honest requests compete for the failure budget after one stray failure", async () => {
    const o = await orgWithToken();
    const ip = `100.72.${octet()}.${octet()}`;
    const headers = (secret: string) => ({ headers: { ...clientHeaders(o.token.client_id, secret), "CF-Connecting-IP": ip } });
    expect((await limited("GET", IDENTITY, headers("6".repeat(64)))).status).toBe(401);
    // 12 honest requests at once, with a failure budget of 3 (2 left) and room in the credential's own limit: all pass
    const roomy = { RATE_LIMIT_REQUESTS: "100" };
    const burst = await Promise.all(Array.from({ length: 12 }, () => limited("GET", IDENTITY, headers(o.token.client_secret), roomy)));
    expect(burst.map((r) => r.status)).toEqual(Array(12).fill(200));
  });

  it("bounds what a blocked address gains in an isolate that has not seen it refused: one request", async () => {
    const o = await orgWithToken();
    const ip = `100.66.${octet()}.${octet()}`;
    const from = (secret: string, extra: Record<string, unknown> = {}) =>
      limited("GET", IDENTITY, { headers: { ...clientHeaders(o.token.client_id, secret), "CF-Connecting-IP": ip } }, extra);
    for (let i = 0; i < 3; i++) expect((await from("3".repeat(64))).status).toBe(401);
    expect((await from("3".repeat(64))).status).toBe(429);
    // In this isolate the address is now refused before its credential's home is asked.
    const homes = countingNamespace(env.CREDENTIALS);
    expect((await from(o.token.client_secret, { CREDENTIALS: homes.binding })).status).toBe(429);
    expect((await from("3".repeat(64), { CREDENTIALS: homes.binding })).status).toBe(429);
    expect(homes.names).toEqual([]);
    // A fresh isolate knows nothing yet: its first wrong guess reaches the home, is counted, refused, and remembered...
    forget(ip);
    expect((await from("4".repeat(64), { CREDENTIALS: homes.binding })).status).toBe(429);
    expect(homes.names).toHaveLength(1);
    expect((await from(o.token.client_secret, { CREDENTIALS: homes.binding })).status).toBe(429);
    expect(homes.names).toHaveLength(1);
    // ...while a right secret sent first there is the one request such an isolate lets through (SECURITY.md).
    forget(ip);
    expect((await from(o.token.client_secret)).status).toBe(200);
    expect((await from("5".repeat(64))).status).toBe(429);
    expect((await from(o.token.client_secret)).status).toBe(429);
  });
});

describe("when the rate limiter cannot be reached", () => {
  it("answers 503 with a request id in each surface's format when a credential's home cannot be reached", async () => {
    const a = await account();
    const t = await createToken(a);
    const down = { CREDENTIALS: unreachableHomes };
    const logged = expectLog(/^credential object unreachable: Durable Object unreachable \(test\)$/);
    const v1 = await limited("GET", "/v1/api_key", { token: a.key }, down);
    expect(v1.status).toBe(503);
    expect(v1.body).toMatchObject({ error: "unavailable", request_id: expect.any(String) });
    const cfAnswer = await limited("GET", a.base, { token: a.key }, down);
    expect(cfAnswer.status).toBe(503);
    expect(cfAnswer.body.errors[0].message).toMatch(/request id/);
    const identityAnswer = await limited("GET", IDENTITY, { headers: clientHeaders(t.client_id, t.client_secret) }, down);
    expect(identityAnswer.status).toBe(503);
    expect(logged.lines).toHaveLength(3); // each outage is logged
  });

  it("fails closed for failed authentications", async () => {
    const logged = expectLog(/^rate limiter unreachable \(auth failures\): Durable Object unreachable \(test\)$/);
    const res = await limited(
      "GET",
      "/v1/api_key",
      { headers: { Authorization: "Bearer sk-guess", "CF-Connecting-IP": "192.0.2.200" } },
      { RATE_LIMITER: unreachableLimiter },
    );
    expect(res.status).toBe(429);
    expect(logged.lines).toHaveLength(1);
  });
});
