/**
 * A credential's usage as its home counts it (src/auth/home-usage.ts) and the
 * routes that read it: /v1/api_key/{id}/usage, /v1/service_token/{id}/usage
 * and the Access token's …/service_tokens/{id}/usage.
 */
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mintClientSecret, mintToken } from "../../../src/core/credentials/tokens";
import { refKey } from "../../../src/core/credentials/verification-cache";
import { cf } from "../../helpers/cloudflare";
import { updateCredentialRow } from "../../helpers/homes";
import { bootstrap, call, MISSING } from "../../helpers/http";
import { from, scopedKey } from "../../helpers/scoped";
import { orgWithServiceAccount, sendServiceToken } from "../../helpers/braintrust";
import { clientHeaders, identity, orgWithToken } from "../../helpers/service-auth";

const keyUsage = (key: string, id: string, query = "granularity=minute") => call("GET", `/v1/api_key/${id}/usage?${query}`, { token: key });

describe("a credential's usage", () => {
  it("counts every request of a known credential by outcome, exactly, under concurrent load", async () => {
    const b = await bootstrap();
    const k = await scopedKey(b.api_key.key, { ip_allowlist: ["10.0.0.0/8"], rate_limit: { limit: 6, window_seconds: 3600 } });
    const wrong = mintToken("api_key", k.id).token;
    const requests = [
      ...Array.from({ length: 10 }, () => from("10.1.1.1", "GET", "/v1/api_key", { token: k.key })),
      ...Array.from({ length: 5 }, () => from("192.0.2.1", "GET", "/v1/api_key", { token: k.key })),
      ...Array.from({ length: 7 }, () => from("10.2.2.2", "GET", "/v1/api_key", { token: wrong })),
    ];
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);

    // Counted in the home's storage: an eviction forgets nothing.
    await evictDurableObject(env.CREDENTIALS.get(env.CREDENTIALS.idFromName(refKey({ kind: "api_key", id: k.id }))));
    const res = await keyUsage(b.api_key.key, k.id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.totals).toEqual({
      requests: 22,
      success: 6,
      rate_limited: 4,
      credits_exhausted: 0,
      ip_refused: 5,
      disabled: 0,
      expired: 0,
      wrong_secret: 7,
    });
    expect(res.body.granularity).toBe("minute");
    const series = res.body.series as Array<{ start: string; requests: number }>;
    expect(series.length).toBeGreaterThanOrEqual(60);
    expect(series.reduce((n, b) => n + b.requests, 0)).toBe(22);
    expect(Date.parse(res.body.last_used_at)).toBeLessThanOrEqual(Date.now());
  });

  it("counts credits run out, and disabled and expired credentials, for a caller that proved the secret", async () => {
    const b = await bootstrap();
    const k = await scopedKey(b.api_key.key, { credits: { remaining: 3 } });
    for (let i = 0; i < 5; i++) await call("GET", "/v1/api_key", { token: k.key });
    const res = await keyUsage(b.api_key.key, k.id, "");
    expect(res.body).toMatchObject({ granularity: "hour", credits_remaining: 0 });
    expect(res.body.totals).toMatchObject({ requests: 5, success: 3, credits_exhausted: 2 });
    expect(res.body.series).toHaveLength(25);

    const o = await orgWithToken();
    const headers = clientHeaders(o.token.client_id, o.token.client_secret);
    await updateCredentialRow(o.token.id, { enabled: 0 });
    for (let i = 0; i < 2; i++) expect((await identity(headers)).status).toBe(403);
    await updateCredentialRow(o.token.id, { enabled: 1, expires_at: Date.now() - 1 });
    for (let i = 0; i < 3; i++) expect((await identity(headers)).status).toBe(403);
    const access = await cf("GET", `${o.base}/${o.token.id}/usage?granularity=minute`, { token: o.key });
    expect(access.status, access.text).toBe(200);
    expect(access.body.success).toBe(true);
    expect(access.body.result.totals).toMatchObject({ requests: 5, disabled: 2, expired: 3, success: 0 });
    expect(access.body.result.last_used_at).toBeNull();
  });

  it("answers a service token's usage to members of its org", async () => {
    const o = await orgWithServiceAccount();
    const made = await sendServiceToken(o.ownerKey, { name: "ci", service_account_id: o.account.id, org_name: o.orgName });
    expect(made.status, made.text).toBe(200);
    for (let i = 0; i < 3; i++) await call("GET", "/v1/api_key", { token: made.body.key });
    const res = await call("GET", `/v1/service_token/${made.body.id}/usage?granularity=minute`, { token: o.memberKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.totals.success).toBe(3);
  });

  it("answers another org's credential, a colleague's key and an unknown id alike: 404", async () => {
    const b = await bootstrap();
    const colleague = await bootstrap({ org_name: b.org.name });
    const stranger = await bootstrap();
    const answers = await Promise.all([colleague.api_key.id, stranger.api_key.id, MISSING].map((id) => keyUsage(b.api_key.key, id)));
    answers.forEach((res, i) => {
      const id = [colleague.api_key.id, stranger.api_key.id, MISSING][i];
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: "not_found", message: `API key "${id}" not found`, request_id: expect.any(String) });
    });
    const mine = await orgWithToken();
    const theirs = await orgWithToken();
    const foreign = await cf("GET", `${mine.base}/${theirs.token.id}/usage`, { token: mine.key });
    const missing = await cf("GET", `${mine.base}/${MISSING}/usage`, { token: mine.key });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body).replaceAll(theirs.token.id, MISSING)).toEqual(JSON.stringify(missing.body));
    // An account the caller is not in: Cloudflare's 7003, as for every other path of the account.
    const otherAccount = await cf("GET", `${theirs.base}/${theirs.token.id}/usage`, { token: mine.key });
    expect(otherAccount.status).toBe(404);
    expect(otherAccount.body.errors[0].code).toBe(7003);
  });

  it("writes one Analytics Engine data point per decided request when a dataset is bound", async () => {
    const o = await orgWithToken();
    const points: AnalyticsEngineDataPoint[] = [];
    const USAGE_EVENTS = { writeDataPoint: (p?: AnalyticsEngineDataPoint) => void points.push(p!) };
    expect((await identity(clientHeaders(o.token.client_id, o.token.client_secret), { USAGE_EVENTS })).status).toBe(200);
    expect((await identity(clientHeaders(o.token.client_id, mintClientSecret(o.token.id)), { USAGE_EVENTS })).status).toBe(401);
    const nobody = `${"0".repeat(32)}.access`;
    expect((await identity(clientHeaders(nobody, mintClientSecret(o.token.id)), { USAGE_EVENTS })).status).toBe(401);
    expect(points).toEqual([
      { indexes: [`client:${o.token.client_id}`], blobs: ["access_token", "success"], doubles: [1] },
      { indexes: [`client:${o.token.client_id}`], blobs: ["access_token", "wrong_secret"], doubles: [1] },
      { indexes: [`client:${nobody}`], blobs: ["access_token", "unknown"], doubles: [1] },
    ]);
    // Unbound (the default), nothing is written anywhere: the counts above are the home's alone.
    expect((await identity(clientHeaders(o.token.client_id, o.token.client_secret))).status).toBe(200);
    expect(points).toHaveLength(3);
  });

  it("refuses a bad query with 400 naming the field, in each surface's format", async () => {
    const b = await bootstrap();
    const id = b.api_key.id;
    const cases: Array<[string, string]> = [
      ["granularity=second", "granularity"],
      ["from=yesterday", "from"],
      ["from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from"],
      ["granularity=minute&to=2020-01-01T00:00:00Z", "to"],
    ];
    for (const [query, field] of cases) {
      const res = await keyUsage(b.api_key.key, id, query);
      expect(res.status, query).toBe(400);
      expect(res.body.field, query).toBe(field);
    }
    const o = await orgWithToken();
    const res = await cf("GET", `${o.base}/${o.token.id}/usage?granularity=day`, { token: o.key });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
    expect(JSON.stringify(res.body.errors)).toContain("granularity");
  });
});
