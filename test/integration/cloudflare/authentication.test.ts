/**
 * Authentication on the Cloudflare surface (src/auth/api-credentials.ts, applied
 * in src/surfaces/cloudflare/router.ts): Bearer keys, and `X-Auth-Email` +
 * `X-Auth-Key`, where every failed guess answers alike, so that a valid key does
 * not reveal whose it is, while the rate limiter still counts each one against
 * the client's address.
 */
import { describe, expect, it } from "vitest";
import { uuidv7 } from "../../../src/core/shared/ids";
import { mintToken } from "../../../src/core/credentials/tokens";
import { account, cf } from "../../helpers/cloudflare";
import { call } from "../../helpers/http";
import { updateCredentialRow } from "../../helpers/homes";

/** An address no other test shares, so that its failure budget starts full. */
const freshIp = () => `2001:db8:${[...crypto.getRandomValues(new Uint16Array(2))].map((n) => n.toString(16)).join(":")}::1`;

describe("authentication", () => {
  it("takes Bearer keys and service tokens of an owner, or X-Auth-Email with X-Auth-Key", async () => {
    const a = await account();
    expect((await cf("GET", a.base, { token: a.key })).status).toBe(200);
    const byEmail = await cf("GET", a.base, { headers: { "X-Auth-Email": a.user.email.toUpperCase(), "X-Auth-Key": a.key } });
    expect(byEmail.status).toBe(200);
    // also without the /client/v4 prefix
    expect((await cf("GET", `/accounts/${a.org.account_id}/access/service_tokens`, { token: a.key })).status).toBe(200);
  });

  it("answers 401 with code 9106 without credentials and 10000 for bad ones", async () => {
    const a = await account();
    const none = await cf("GET", a.base);
    expect(none.status).toBe(401);
    expect(none.body.errors[0].code).toBe(9106);
    const badCases: Record<string, string>[] = [
      { Authorization: "Bearer sk-nonsense" },
      { Authorization: "Basic abc" },
      { "X-Auth-Email": "someone-else@example.com", "X-Auth-Key": a.key },
      { "X-Auth-Key": a.key },
      { "X-Auth-Email": a.user.email },
    ];
    for (const headers of badCases) {
      const res = await cf("GET", a.base, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.body.errors[0].code).toBe(10000);
    }
    await call("DELETE", `/v1/api_key/${a.api_key.id}`, { token: a.key });
    expect((await cf("GET", a.base, { token: a.key })).status).toBe(401);
  });
});

describe("X-Auth-Email with X-Auth-Key", () => {
  it("answers a wrong email, an unknown key, a wrong secret and a malformed key identically, each counted as a failure", async () => {
    const a = await account();
    const ip = freshIp();
    const attempts: Record<string, Record<string, string>> = {
      "wrong email, valid key": { "X-Auth-Email": "someone-else@example.com", "X-Auth-Key": a.key },
      "unknown key": { "X-Auth-Email": a.user.email, "X-Auth-Key": mintToken("api_key", uuidv7()).token },
      "wrong secret": { "X-Auth-Email": a.user.email, "X-Auth-Key": mintToken("api_key", a.api_key.id).token },
      "malformed key": { "X-Auth-Email": a.user.email, "X-Auth-Key": "sk-nonsense" },
    };
    const answers: { status: number; body: unknown }[] = [];
    for (const [what, headers] of Object.entries(attempts)) {
      const res = await cf("GET", a.base, { headers: { ...headers, "CF-Connecting-IP": ip } });
      // each is a guess: the IP's failure budget (20 by default) goes down by one
      expect(res.headers.get("ratelimit"), what).toMatch(new RegExp(`^"auth-failures";r=${19 - answers.length};`));
      answers.push({ status: res.status, body: res.body });
    }
    expect(answers[0]).toMatchObject({ status: 401, body: { errors: [{ code: 10000 }] } });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it("still tells the owner of a disabled or expired key why, without counting a failure", async () => {
    const a = await account();
    const ip = freshIp();
    const asOwner = () => cf("GET", a.base, { headers: { "X-Auth-Email": a.user.email, "X-Auth-Key": a.key, "CF-Connecting-IP": ip } });
    await updateCredentialRow(a.api_key.id, { enabled: 0 });
    const disabled = await asOwner();
    expect(disabled.status).toBe(401);
    expect(disabled.body.errors[0]).toEqual({ code: 10000, message: "API key is disabled" });
    await updateCredentialRow(a.api_key.id, { enabled: 1, expires_at: Date.now() - 1 });
    const expired = await asOwner();
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0]).toEqual({ code: 10000, message: "API key has expired" });
    expect(expired.headers.get("ratelimit")).toBeNull();
  });
});
