/**
 * The official SDKs against a Worker started with `--var RATE_LIMIT_REQUESTS:5`:
 * the sixth request of a credential is a 429 with Retry-After (retries off, so the SDKs
 * do not wait it out).
 */
import Braintrust from "@braintrust/api";
import Cloudflare from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker({ RATE_LIMIT_REQUESTS: "5", RATE_LIMIT_WINDOW_SECONDS: "60" });
}, 120_000);
afterAll(() => worker?.stop());

async function bootstrap(name: string) {
  const res = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: name, email: `${name}@example.com` }),
  });
  return (await res.json()) as { org: { account_id: string }; api_key: { key: string } };
}

describe("rate limits through the official SDKs", () => {
  it("Braintrust client: RateLimitError with Retry-After after five requests", async () => {
    const b = await bootstrap("rl-braintrust");
    const client = new Braintrust({ apiKey: b.api_key.key, baseURL: worker.baseUrl, maxRetries: 0 });
    for (let i = 0; i < 5; i++) await client.get("/v1/api_key");
    const err = await client.get("/v1/api_key").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Braintrust.RateLimitError);
    const headers = (err as InstanceType<typeof Braintrust.RateLimitError>).headers!;
    expect(Number(headers["retry-after"])).toBe(12);
    expect(headers.ratelimit).toMatch(/^"credential";r=0;t=\d+$/);
  });

  it("cloudflare SDK: RateLimitError with Retry-After and the envelope's code", async () => {
    const b = await bootstrap("rl-cloudflare");
    const cf = new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: b.api_key.key, maxRetries: 0 });
    const account_id = b.org.account_id;
    for (let i = 0; i < 5; i++) await cf.zeroTrust.access.serviceTokens.list({ account_id });
    const err = await cf.zeroTrust.access.serviceTokens.list({ account_id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Cloudflare.RateLimitError);
    const rateErr = err as InstanceType<typeof Cloudflare.RateLimitError>;
    expect(rateErr.headers.get("retry-after")).toBe("12");
    expect(rateErr.errors[0]).toMatchObject({ code: 10009 });
  });
});
