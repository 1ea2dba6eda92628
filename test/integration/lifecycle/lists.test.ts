/** The list extensions that help with lifecycle: `expires_before` on the credential lists, `last_used_at` on /v1 objects. */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { call } from "../../helpers/http";
import { createServiceAccount } from "../../helpers/braintrust";

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe("expires_before", () => {
  it("lists only credentials expiring before the time given, on /v1 and on Access tokens", async () => {
    const a = await account();
    const soon = await call("POST", "/v1/api_key", { token: a.key, body: { name: "soon", expires_at: inDays(2) } });
    await call("POST", "/v1/api_key", { token: a.key, body: { name: "later", expires_at: inDays(60) } });
    await call("POST", "/v1/api_key", { token: a.key, body: { name: "never" } });
    const keys = await call("GET", `/v1/api_key?expires_before=${encodeURIComponent(inDays(7))}`, { token: a.key });
    expect(keys.body.objects.map((k: { name: string }) => k.name)).toEqual(["soon"]);
    expect(keys.body.objects[0].id).toBe(soon.body.id);

    const sa = await createServiceAccount(a.key);
    await call("POST", "/v1/service_token", { token: a.key, body: { name: "st-soon", service_account_id: sa.id, expires_at: inDays(1) } });
    await call("POST", "/v1/service_token", { token: a.key, body: { name: "st-never", service_account_id: sa.id } });
    const tokens = await call("GET", `/v1/service_token?expires_before=${encodeURIComponent(inDays(7))}`, { token: a.key });
    expect(tokens.body.objects.map((t: { name: string }) => t.name)).toEqual(["st-soon"]);

    const short = await createToken(a, { name: "short", duration: "24h" });
    await createToken(a, { name: "long", duration: "8760h" });
    await createToken(a, { name: "forever", duration: "forever" });
    const access = await cf("GET", `${a.base}?expires_before=${encodeURIComponent(inDays(7))}`, { token: a.key });
    expect(access.body.result.map((t: { id: string }) => t.id)).toEqual([short.id]);
    expect(access.body.result_info.total_count).toBe(1);

    const bad = await call("GET", "/v1/api_key?expires_before=tomorrow", { token: a.key });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("expires_before");
  });
});

describe("last_used_at", () => {
  it("is null until a key is used, then the time of its use", async () => {
    const a = await account();
    const made = await call("POST", "/v1/api_key", { token: a.key, body: { name: "probe" } });
    expect(made.body.last_used_at).toBeNull();
    expect((await call("GET", "/v1/api_key", { token: made.body.key })).status).toBe(200);
    let seen: string | null = null;
    for (let i = 0; i < 50 && !seen; i++) {
      seen = (await call("GET", `/v1/api_key/${made.body.id}`, { token: a.key })).body.last_used_at;
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    expect(Date.parse(seen!)).toBeGreaterThan(Date.now() - 60_000);
  });
});
