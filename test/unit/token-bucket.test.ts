import { describe, expect, it } from "vitest";
import { policyItem, remainingItem, take, type BucketState, type Policy } from "../../src/ratelimit/token-bucket";

const policy: Policy = { name: "credential", limit: 5, windowSeconds: 60 };

function burst(n: number, start?: BucketState, now = 1_000_000) {
  let state = start;
  const decisions = [];
  for (let i = 0; i < n; i++) {
    const r = take(state, policy, now);
    state = r.state;
    decisions.push(r.decision);
  }
  return { state: state!, decisions };
}

describe("token bucket", () => {
  it("admits exactly the limit in a burst, counting down", () => {
    const { decisions } = burst(15);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.slice(0, 6).map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    expect(decisions[4]).toMatchObject({ allowed: true, retryAfterSeconds: 12, resetSeconds: 60 });
    expect(decisions[5]).toMatchObject({ allowed: false, retryAfterSeconds: 12 });
  });

  it("refills at limit per window: one request per window/limit, the whole limit after a window", () => {
    const { state } = burst(5);
    expect(take(state, policy, 1_000_000 + 11_999).decision.allowed).toBe(false);
    expect(take(state, policy, 1_000_000 + 12_000).decision).toMatchObject({ allowed: true, remaining: 0 });
    const full = burst(15, state, 1_000_000 + 60_000).decisions;
    expect(full.filter((d) => d.allowed)).toHaveLength(5);
  });

  it("never holds more than the limit, however long it was idle", () => {
    const { state } = burst(1);
    const later = burst(10, state, 1_000_000 + 3_600_000).decisions;
    expect(later.filter((d) => d.allowed)).toHaveLength(5);
  });

  it("formats the IETF RateLimit headers", () => {
    expect(policyItem(policy)).toBe('"credential";q=5;w=60');
    expect(remainingItem(policy, { remaining: 3, resetSeconds: 24 })).toBe('"credential";r=3;t=24');
  });
});
