/**
 * Usage through the real parts, with the official Braintrust client: a Worker in wrangler dev whose
 * homes count on a compressed clock (an hour a second: BENCH_CLOCK_SCALE, honoured with
 * BENCH_METRICS only), so that their hourly reports travel the real usage queue to D1 within the test.
 */
import Braintrust from "@braintrust/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker({ BENCH_METRICS: "1", BENCH_CLOCK_SCALE: "3600", BENCH_CLOCK_ORIGIN: String(Date.now()) });
}, 120_000);
afterAll(() => worker?.stop());

interface Usage {
  totals: { requests: number; success: number };
  last_used_at: string | null;
}
interface Ranked {
  objects: Array<{ id: string; requests: number; success: number; last_used_at: string | null }>;
}

describe("usage, end to end", () => {
  it("counts a key's requests exactly at once, and D1's ranking and lists learn them from the hourly report", async () => {
    const res = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "usage-e2e", email: "usage-e2e@example.com" }),
    });
    const owner = new Braintrust({ apiKey: ((await res.json()) as { api_key: { key: string } }).api_key.key, baseURL: worker.baseUrl });
    const made = await owner.post<unknown, { id: string; key: string }>("/v1/api_key", { body: { name: "counted" } });
    const key = new Braintrust({ apiKey: made.key, baseURL: worker.baseUrl });
    for (let i = 0; i < 5; i++) await key.get("/v1/api_key");

    const usage = await owner.get<unknown, Usage>(`/v1/api_key/${made.id}/usage`, { query: { granularity: "minute" } });
    expect(usage.totals).toMatchObject({ requests: 5, success: 5 });
    expect(usage.last_used_at).not.toBeNull();

    // A simulated hour passes every second; the report follows the hour's end, then the queue's batch timeout (5 s).
    let ranked: Ranked["objects"][number] | undefined;
    for (let attempt = 0; attempt < 60 && !ranked?.requests; attempt++) {
      await new Promise((r) => setTimeout(r, 500));
      const page = await owner.get<unknown, Ranked>("/v1/usage", { query: { kind: "api_key", limit: 100 } });
      ranked = page.objects.find((o) => o.id === made.id);
    }
    expect(ranked).toMatchObject({ requests: 5, success: 5 });
    expect(ranked?.last_used_at).not.toBeNull();
    const list = await owner.get<unknown, { objects: Array<{ id: string; last_used_at: string | null }> }>("/v1/api_key");
    const listed = list.objects.find((k) => k.id === made.id);
    expect(listed?.last_used_at).toBe(ranked?.last_used_at);
  });
});
