/** Scoped credentials through the official clients, unchanged: permissions, credits and the policy fields as extensions. */
import Braintrust, { PermissionDeniedError as BraintrustDenied, RateLimitError } from "@braintrust/api";
import Cloudflare, { PermissionDeniedError } from "cloudflare";
import { describe, expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";

const braintrust = (apiKey: string) => new Braintrust({ apiKey, baseURL: baseUrl(), maxRetries: 0 });
const cloudflare = (apiToken: string) =>
  new Cloudflare({ baseURL: `${baseUrl()}/client/v4`, maxRetries: 0, apiToken, apiEmail: null, apiKey: null, userServiceKey: null });

interface Key {
  id: string;
  key: string;
  permissions: string[] | null;
  credits: { remaining: number } | null;
}

describe("scoped credentials through the official clients", () => {
  it("Braintrust's client: a read-only key reads and is refused writes with 403 naming the permission; credits run out with 429", async () => {
    const b = await bootstrap();
    const owner = braintrust(b.api_key.key);
    const readOnly = await owner.post<unknown, Key>("/v1/api_key", { body: { name: "ci", permissions: ["api_keys:read"] } });
    expect(readOnly.permissions).toEqual(["api_keys:read"]);
    const ci = braintrust(readOnly.key);
    expect((await ci.get<unknown, { objects: Key[] }>("/v1/api_key")).objects.length).toBeGreaterThan(0);
    const denied = await ci.post("/v1/api_key", { body: { name: "more" } }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(BraintrustDenied);
    expect(String((denied as Error).message)).toContain("api_keys:write");

    const metered = await owner.post<unknown, Key>("/v1/api_key", { body: { name: "metered", credits: { remaining: 2 } } });
    const m = braintrust(metered.key);
    await m.get("/v1/api_key");
    await m.get("/v1/api_key");
    const out = await m.get("/v1/api_key").catch((e: unknown) => e);
    expect(out).toBeInstanceOf(RateLimitError);
    expect(String((out as Error).message)).toContain("no credits left");
    const updated = await owner.patch<unknown, Key>(`/v1/api_key/${metered.id}`, { body: { credits: { remaining: 1 } } });
    expect(updated.credits).toMatchObject({ remaining: 1 });
    await m.get("/v1/api_key");
  });

  it("Cloudflare's SDK: an access:read key lists tokens and is refused creating one; the policy rides in the SDK's update", async () => {
    const b = await bootstrap();
    const owner = braintrust(b.api_key.key);
    const reader = await owner.post<unknown, Key>("/v1/api_key", { body: { name: "auditor", permissions: ["access:read"] } });
    const account_id = b.org.account_id;
    const tokens = cloudflare(b.api_key.key).zeroTrust.access.serviceTokens;
    const made = await tokens.create({ account_id, name: "svc" });
    // Extension fields are sent as extra body properties: the SDK passes them through unchanged.
    const limited = await tokens.update(made.id!, {
      account_id,
      name: "svc",
      ...({ rate_limit: { limit: 5, window_seconds: 60 } } as object),
    });
    expect((limited as unknown as { rate_limit: unknown }).rate_limit).toEqual({ limit: 5, window_seconds: 60 });

    const scoped = cloudflare(reader.key).zeroTrust.access.serviceTokens;
    const listed = [];
    for await (const t of scoped.list({ account_id })) listed.push(t.id);
    expect(listed).toContain(made.id);
    const denied = await scoped.create({ account_id, name: "no" }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDeniedError);
    expect(String((denied as Error).message)).toContain("access:write");
  });
});
