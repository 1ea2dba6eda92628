/** The gateway's isolate-held view of Access applications: how fresh it is, when it reads, and what `forget` drops. */
import { describe, expect, it } from "vitest";
import type { HostApp } from "../../src/core/access/ports";
import { FRESH_MS, MAX_AGE_MS, RouteTable } from "../../src/auth/route-table";

const HOST = "app.example.com";

interface Pending {
  host: string;
  resolve: (apps: HostApp[]) => void;
  reject: (err: unknown) => void;
}

/**
 * A table on a clock the test moves, with a `read` that counts its calls and
 * answers version n (the n-th read) at once — or fails, or waits to be settled
 * by hand — and a `background` that collects what it is given.
 */
function harness() {
  let now = 1_000_000;
  const table = new RouteTable(() => now);
  const state = {
    reads: 0,
    mode: "ok" as "ok" | "fail" | "manual",
    pending: [] as Pending[],
    background: [] as Promise<unknown>[],
  };
  /** The apps of the n-th read: one application, its id naming the read. */
  const version = (n: number): HostApp[] => [{ path: "", appId: `v${n}`, orgId: "org", aud: "a".repeat(64), policies: [] }];
  const read = (host: string): Promise<HostApp[]> => {
    state.reads++;
    const n = state.reads;
    if (state.mode === "fail") return Promise.reject(new Error(`D1 down (read ${n})`));
    if (state.mode === "manual") return new Promise((resolve, reject) => state.pending.push({ host, resolve, reject }));
    return Promise.resolve(version(n));
  };
  const get = (host = HOST) => table.appsOn(host, read, (work) => state.background.push(work));
  /** The id of the (one) application a call answered: which read produced it. */
  const got = async (host = HOST) => (await get(host))[0]?.appId;
  return {
    table,
    state,
    version,
    get,
    got,
    at: (ms: number) => (now = 1_000_000 + ms),
    /** Lets every background refresh handed over so far finish. */
    settle: () => Promise.all(state.background),
  };
}

describe("RouteTable", () => {
  it("reads on the first call and answers what it read", async () => {
    const h = harness();
    expect(await h.got()).toBe("v1");
    expect(h.state.reads).toBe(1);
    expect(h.state.background).toHaveLength(0);
  });

  it("serves the entry as is, without a read, for FRESH_MS after its read began", async () => {
    const h = harness();
    await h.get();
    for (const ms of [0, 1, FRESH_MS / 2, FRESH_MS - 1]) {
      h.at(ms);
      expect(await h.got(), `at ${ms} ms`).toBe("v1");
    }
    expect(h.state.reads).toBe(1);
    expect(h.state.background).toHaveLength(0);
  });

  it("between FRESH_MS and MAX_AGE_MS serves the old entry and starts exactly one background read, then serves its result", async () => {
    const h = harness();
    await h.get();
    h.state.mode = "manual";
    h.at(FRESH_MS);
    expect(await h.got()).toBe("v1");
    expect(h.state.reads).toBe(2);
    expect(h.state.background).toHaveLength(1);

    // A second call while the refresh is under way starts none.
    h.at(MAX_AGE_MS - 1);
    expect(await h.got()).toBe("v1");
    expect(h.state.reads).toBe(2);
    expect(h.state.background).toHaveLength(1);

    h.state.pending.shift()!.resolve(h.version(2));
    await h.settle();
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
    expect(h.state.background).toHaveLength(1);
  });

  it("the refreshed entry is fresh from when its read began", async () => {
    const h = harness();
    await h.get();
    h.at(FRESH_MS + 100); // the refresh (read 2) begins here
    await h.get();
    await h.settle();
    h.at(FRESH_MS + 100 + FRESH_MS - 1);
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
    h.at(FRESH_MS + 100 + FRESH_MS);
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(3);
    expect(h.state.background).toHaveLength(2);
  });

  it("at and past MAX_AGE_MS never serves the entry: the call waits for a new read and answers it", async () => {
    const h = harness();
    await h.get();
    h.at(MAX_AGE_MS);
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
    expect(h.state.background).toHaveLength(0);

    h.at(MAX_AGE_MS + 10 * MAX_AGE_MS);
    expect(await h.got()).toBe("v3");
    expect(h.state.reads).toBe(3);
    expect(h.state.background).toHaveLength(0);
  });

  it("waits for the new read rather than answering before it settles", async () => {
    const h = harness();
    await h.get();
    h.state.mode = "manual";
    h.at(MAX_AGE_MS);
    let answered: string | undefined;
    const call = h.got().then((id) => (answered = id));
    await Promise.resolve();
    await Promise.resolve();
    expect(answered).toBeUndefined();
    h.state.pending.shift()!.resolve(h.version(2));
    await call;
    expect(answered).toBe("v2");
  });

  it("counts the age from when the read began: a slow read is stale sooner", async () => {
    const h = harness();
    h.state.mode = "manual";
    const first = h.got(); // read 1 begins at 0
    h.at(FRESH_MS - 100);
    h.state.pending.shift()!.resolve(h.version(1));
    expect(await first).toBe("v1");

    // Only 100 ms after it answered, but FRESH_MS after it began: a refresh starts.
    h.at(FRESH_MS);
    expect(await h.got()).toBe("v1");
    expect(h.state.reads).toBe(2);
    expect(h.state.background).toHaveLength(1);
  });

  it("a read that answered just before MAX_AGE_MS after it began is not served at MAX_AGE_MS", async () => {
    const h = harness();
    h.state.mode = "manual";
    const first = h.got(); // read 1 begins at 0
    h.at(MAX_AGE_MS - 1);
    h.state.pending.shift()!.resolve(h.version(1));
    expect(await first).toBe("v1");

    h.state.mode = "ok";
    h.at(MAX_AGE_MS);
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
  });

  it("reads again on the next call after forget()", async () => {
    const h = harness();
    await h.get();
    h.table.forget();
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
    expect(await h.got()).toBe("v2"); // and the new entry is held again
    expect(h.state.reads).toBe(2);
  });

  it("does not keep a read that began before forget()", async () => {
    const h = harness();
    h.state.mode = "manual";
    const slow = h.got(); // read 1 begins
    h.table.forget();
    h.state.pending.shift()!.resolve(h.version(1));
    expect(await slow).toBe("v1"); // its caller still gets it…

    h.state.mode = "ok";
    expect(await h.got()).toBe("v2"); // …but the table did not keep it
    expect(h.state.reads).toBe(2);
  });

  it("does not let a read that began before forget() replace one that began after", async () => {
    const h = harness();
    h.state.mode = "manual";
    const slow = h.got(); // read 1 begins
    h.table.forget();
    h.state.mode = "ok";
    expect(await h.got()).toBe("v2"); // read 2 begins and answers after forget
    h.state.pending.shift()!.resolve(h.version(1));
    await slow;
    expect(await h.got()).toBe("v2");
    expect(h.state.reads).toBe(2);
  });

  it("does not keep a background refresh that began before forget()", async () => {
    const h = harness();
    await h.get();
    h.state.mode = "manual";
    h.at(FRESH_MS);
    await h.get(); // refresh (read 2) begins
    h.table.forget();
    h.state.pending.shift()!.resolve(h.version(2));
    await h.settle();
    h.state.mode = "ok";
    expect(await h.got()).toBe("v3");
    expect(h.state.reads).toBe(3);
  });

  it("after a failed background read serves the old entry until MAX_AGE_MS, and a later call refreshes again", async () => {
    const h = harness();
    await h.get();
    h.state.mode = "fail";
    h.at(FRESH_MS);
    expect(await h.got()).toBe("v1");
    expect(h.state.reads).toBe(2);
    await expect(h.settle()).resolves.toBeDefined(); // the work handed to waitUntil does not reject

    h.state.mode = "ok";
    h.at(FRESH_MS + 100);
    expect(await h.got()).toBe("v1"); // still the old entry; a new refresh starts
    expect(h.state.reads).toBe(3);
    expect(h.state.background).toHaveLength(2);
    await h.settle();
    expect(await h.got()).toBe("v3");
  });

  it("after failed background reads stops serving the old entry at MAX_AGE_MS", async () => {
    const h = harness();
    await h.get();
    h.state.mode = "fail";
    h.at(FRESH_MS);
    await h.get();
    await h.settle();
    h.at(MAX_AGE_MS - 1);
    expect(await h.got()).toBe("v1");
    await h.settle();
    expect(h.state.reads).toBe(3);

    h.at(MAX_AGE_MS);
    await expect(h.get()).rejects.toThrow(/D1 down \(read 4\)/);
    h.state.mode = "ok";
    expect(await h.got()).toBe("v5");
  });

  it("rejects when the read it waits for fails, and keeps nothing", async () => {
    const h = harness();
    h.state.mode = "fail";
    await expect(h.get()).rejects.toThrow(/D1 down \(read 1\)/);
    await expect(h.get()).rejects.toThrow(/D1 down \(read 2\)/);
    h.state.mode = "ok";
    expect(await h.got()).toBe("v3");
    expect(h.state.background).toHaveLength(0);
  });

  it("holds each host apart", async () => {
    const h = harness();
    expect(await h.got("a.example.com")).toBe("v1");
    expect(await h.got("b.example.com")).toBe("v2");
    expect(await h.got("a.example.com")).toBe("v1");
    expect(await h.got("b.example.com")).toBe("v2");
    expect(h.state.reads).toBe(2);
    expect(h.state.pending).toHaveLength(0);
  });

  it("holds at most 1000 hosts, dropping the one read longest ago", async () => {
    const h = harness();
    for (let i = 0; i <= 1000; i++) await h.get(`h${i}.example.com`);
    expect(h.state.reads).toBe(1001);
    await h.get("h1000.example.com");
    await h.get("h1.example.com");
    expect(h.state.reads).toBe(1001);
    await h.get("h0.example.com");
    expect(h.state.reads).toBe(1002);
  });
});
