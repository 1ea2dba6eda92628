import { env } from "cloudflare:workers";
import { afterEach, expect, it, vi } from "vitest";
import { instrumented, newCounts } from "../../src/bench/metrics";
import type { Env } from "../../src/env";
import { bootstrap, callWithEnv } from "../helpers/http";

afterEach(() => vi.restoreAllMocks());

it("with BENCH_METRICS on, the limiter really counts: the third request over a limit of 2 is refused, and nothing is logged", async () => {
  const b = await bootstrap();
  const errors = vi.spyOn(console, "error");
  const statuses: number[] = [];
  const doCalls: (string | null)[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await callWithEnv({ BENCH_METRICS: "1", RATE_LIMIT_REQUESTS: "2" }, "GET", "/cdn-cgi/access/get-identity", {
      token: b.api_key.key,
    });
    statuses.push(res.status);
    doCalls.push(res.headers.get("x-bench-do-calls"));
  }
  expect(statuses).toEqual([200, 200, 429]);
  expect(doCalls).toEqual(["1", "1", "1"]);
  expect(errors).not.toHaveBeenCalled();
});

it("wraps every Durable Object namespace of env by shape: a new binding is counted, and its stubs' RPC calls work", async () => {
  const counts = newCounts();
  const notANamespace = { get: (key: string) => `kv:${key}` };
  const wrapped = instrumented({ ...env, CREDENTIALS_LIKE: env.RATE_LIMITER, KV_LIKE: notANamespace } as unknown as Env, counts) as Env & {
    CREDENTIALS_LIKE: typeof env.RATE_LIMITER;
    KV_LIKE: typeof notANamespace;
  };
  const policy = { name: "metrics-test", limit: 10, windowSeconds: 60 };
  const name = `metrics-test:${crypto.randomUUID()}`;

  const ns = wrapped.CREDENTIALS_LIKE;
  const first = await ns.get(ns.idFromName(name)).take(policy);
  const second = await ns.getByName(name).take(policy);
  expect([first.remaining, second.remaining]).toEqual([9, 8]);
  const third = await wrapped.RATE_LIMITER.get(wrapped.RATE_LIMITER.idFromName(name)).take(policy);
  expect(third.remaining).toBe(7);
  expect(counts.do).toBe(3);
  expect(counts.doMs).toBeGreaterThanOrEqual(0);
  // Getting a stub is no call; only its methods are.
  wrapped.RATE_LIMITER.get(wrapped.RATE_LIMITER.idFromName(name));
  expect(counts.do).toBe(3);
  // Something with `get` but no `idFromName` is left alone.
  expect(wrapped.KV_LIKE).toBe(notANamespace);
  expect(counts.d1).toBe(0);
});
