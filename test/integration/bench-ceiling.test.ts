import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CEILING_OBJECT } from "../../src/bench/ceiling-route";
import { call, callWithEnv } from "../helpers/http";

const CEILING = "/__bench/ceiling";

afterEach(() => vi.restoreAllMocks());

describe("the benchmark's ceiling route", () => {
  it("does not exist without BENCH_METRICS: 404 in plain JSON for every method, like any unknown path", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const res = await callWithEnv({ BENCH_METRICS: undefined }, method, CEILING);
      expect(res.status, method).toBe(404);
      expect(res.body).toMatchObject({ error: "not_found", request_id: expect.any(String) });
      expect(res.headers.get("x-bench-do-calls")).toBeNull();
    }
  });

  it("is not in the OpenAPI document", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.text).not.toContain("__bench");
  });

  it("with BENCH_METRICS=1: one DO call that really counts, no D1, a signed assertion, nothing logged", async () => {
    const errors = vi.spyOn(console, "error");
    const before = Date.now();
    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await callWithEnv({ BENCH_METRICS: "1" }, "GET", CEILING));
    for (const res of answers) {
      expect(res.status, res.text).toBe(200);
      expect(res.headers.get("x-bench-do-calls")).toBe("1");
      expect(res.headers.get("x-bench-d1-queries")).toBe("0");
      expect(res.headers.get("server-timing")).toMatch(/^d1;dur=0\.000, do;dur=[\d.]+, total;dur=[\d.]+$/);
      expect(res.body).toMatchObject({ credential_kind: "api_key", name: "bench-ceiling", principal: { kind: "user" } });
    }
    // The decision came from the object (the route does not fail open), which stored its bucket at that time.
    for (const res of answers) expect(res.headers.get("ratelimit")).toMatch(/^"bench-ceiling";r=999999999;t=[01]$/);
    const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(CEILING_OBJECT));
    const stored = await runInDurableObject(stub, (_instance, state) => state.storage.kv.get<{ updatedAt: number }>("bucket"));
    expect(stored?.updatedAt).toBeGreaterThanOrEqual(before);
    const { d: _d, ...publicJwk } = JSON.parse(env.JWT_PRIVATE_KEY!);
    const { payload } = await jwtVerify(answers[0]!.headers.get("cf-access-jwt-assertion")!, createLocalJWKSet({ keys: [publicJwk] }), {
      issuer: "edgekeys",
      audience: `edgekeys:account:${answers[0]!.body.account_id}`,
    });
    expect(payload.sub).toBe(answers[0]!.body.id);
    expect(errors).not.toHaveBeenCalled();
  });

  it("with BENCH_METRICS=1 answers GET only (405 with Allow)", async () => {
    const res = await callWithEnv({ BENCH_METRICS: "1" }, "POST", CEILING);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});
