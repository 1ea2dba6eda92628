import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RateLimiter } from "../../../src/ratelimit/rate-limiter-object";

const policy = { name: "credential", limit: 3, windowSeconds: 60 };
const stubFor = (name: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));

describe("RateLimiter Durable Object", () => {
  it("admits exactly the limit of concurrent calls and persists its bucket", async () => {
    const stub = stubFor(`unit-${crypto.randomUUID()}`);
    const decisions = await Promise.all(Array.from({ length: 9 }, () => stub.take(policy)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    const stored = await runInDurableObject(stub, (_instance: RateLimiter, state) => state.storage.kv.get<{ tokens: number }>("bucket"));
    expect(stored!.tokens).toBeLessThan(1);
  });

  it("drops its state by alarm once the bucket is full again, and only then", async () => {
    const stub = stubFor(`unit-${crypto.randomUUID()}`);
    await stub.take(policy);
    // not a window yet: the alarm keeps the state and re-arms
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (_i: RateLimiter, state) => state.storage.kv.get("bucket"))).toBeDefined();
    // a window later (rewound, not waited for): the state goes
    await runInDurableObject(stub, (instance: RateLimiter, state) => {
      const rewound = { ...(state.storage.kv.get("bucket") as object), updatedAt: Date.now() - 61_000 };
      state.storage.kv.put("bucket", rewound);
      (instance as unknown as { stored: unknown }).stored = rewound;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (_i: RateLimiter, state) => state.storage.kv.get("bucket"))).toBeUndefined();
    // and a fresh bucket is a full one
    const again = await Promise.all(Array.from({ length: 4 }, () => stub.take(policy)));
    expect(again.filter((d) => d.allowed)).toHaveLength(3);
  });
});
