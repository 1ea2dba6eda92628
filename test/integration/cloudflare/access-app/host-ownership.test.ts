/**
 * Hosts belong to accounts by the operator's word (ORIGINS' account_id, or
 * GATEWAY_ACCOUNT_ID with ORIGIN_URL), never first come, and a port never
 * names another host (found by a red team: account B opened account A's
 * origin with a Bypass application on `victim.test:8443`, and any unclaimed
 * host reached ORIGIN_URL). And an application may use what the schema
 * allows: 50 destinations, 50 policies.
 */
import { inject } from "vitest";
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../../helpers/cloudflare";
import { anyToken, appsBase, createApp, everyone, newHost, policy, serviceToken, viaGateway } from "../../../helpers/gateway-apps";
import { callWithEnv, giveHost, unique } from "../../../helpers/http";
import { clientHeaders } from "../../../helpers/service-auth";

const open = [policy("bypass", [everyone])];
const create = (who: Awaited<ReturnType<typeof account>>, domain: string, env: Record<string, string> = {}) =>
  callWithEnv(env, "POST", appsBase(who.org.account_id), { token: who.key, body: { type: "self_hosted", domain, policies: open } });

describe("host ownership", () => {
  it("never lets another account open a host the operator gave to the first, under any spelling of it", async () => {
    const [victim, attacker] = [await account(), await account()];
    const host = newHost(victim);
    await createApp(victim, `${host}/secret`, [policy("non_identity", [anyToken])]);
    for (const domain of [
      `${host}:8443`,
      `${host}:443/secret`,
      `${host}/secret/x`,
      `${host}/other`,
      host,
      `${host.toUpperCase()}./SECRET/deeper`,
    ]) {
      const res = await create(attacker, domain);
      expect(res.status, `${domain}: ${res.text}`).toBe(400);
      expect(res.text).not.toContain(victim.org.account_id);
    }
    // ...nor as a destination of an application on the attacker's own host.
    const sneaky = await cf("POST", appsBase(attacker.org.account_id), {
      token: attacker.key,
      body: { type: "self_hosted", domain: newHost(attacker), destinations: [{ type: "public", uri: `${host}/secret/x` }], policies: open },
    });
    expect(sneaky.status).toBe(400);
    // The victim's path stays shut without a token, whatever port the request names.
    for (const spelling of [host, `${host}:8443`, `${host}:443`, `${host}:2053`, `${host.toUpperCase()}.`]) {
      const res = await viaGateway([host], "GET", `${spelling}/secret/x`);
      expect(res.status, spelling).toBe(401);
      expect(res.headers.get("x-origin")).toBeNull();
    }
    // The victim may add paths on its own host.
    await createApp(victim, `${host}/public`, open);
    expect((await viaGateway([host], "GET", `${host}:8443/public/x`)).status).toBe(200);
  });

  it("serves no host the operator gave to nobody, and lets nobody put an application on it", async () => {
    const a = await account();
    const token = await createToken(a);
    newHost(a); // the operator gives some hosts...
    const stray = `${unique("stray")}.test`; // ...but not this one
    expect((await create(a, stray)).status).toBe(400);
    const res = await callWithEnv({}, "GET", `https://${stray}/x`, { headers: clientHeaders(token.client_id, token.client_secret) });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-origin")).toBeNull();
  });

  it("decides only with the owner's applications: one another account left on the host (before owners) decides nothing", async () => {
    const [owner, other] = [await account(), await account()];
    const [ownerToken, otherToken] = [await createToken(owner), await createToken(other)];
    const host = giveHost(`${unique("moved")}.test`, other.org.account_id);
    await createApp(other, host, open); // the other account's Bypass for everyone...
    giveHost(host, owner.org.account_id); // ...left behind when the operator gives the host to its owner
    expect((await viaGateway([host], "GET", `${host}/x`)).status).toBe(404);
    expect(
      (await viaGateway([host], "GET", `${host}/x`, { headers: clientHeaders(otherToken.client_id, otherToken.client_secret) })).status,
    ).toBe(404);
    await createApp(owner, `${host}/x`, [policy("non_identity", [serviceToken(ownerToken.id)])]);
    expect((await viaGateway([host], "GET", `${host}/x/y`)).status).toBe(401);
    expect(
      (await viaGateway([host], "GET", `${host}/x/y`, { headers: clientHeaders(ownerToken.client_id, ownerToken.client_secret) })).status,
    ).toBe(200);
  });

  it("gives hosts by ORIGINS' account_id, and every other host to GATEWAY_ACCOUNT_ID with ORIGIN_URL", async () => {
    const [owner, other] = [await account(), await account()];
    const pinned = `${unique("pinned")}.test`;
    const origins = JSON.stringify({ [`${pinned.toUpperCase()}.`]: { origin: "http://127.0.0.1:1", account_id: owner.org.account_id } });
    expect((await create(other, pinned, { ORIGINS: origins })).status).toBe(400);
    expect((await create(owner, pinned, { ORIGINS: origins })).status).toBe(201);
    const single = { ORIGINS: "", ORIGIN_URL: "http://127.0.0.1:1", GATEWAY_ACCOUNT_ID: owner.org.account_id };
    expect((await create(other, `${unique("any")}.test`, single)).status).toBe(400);
    expect((await create(owner, `${unique("any")}.test`, single)).status).toBe(201);
    // An entry without account_id belongs to GATEWAY_ACCOUNT_ID.
    const defaulted = `${unique("defaulted")}.test`;
    const both = { ORIGINS: JSON.stringify({ [defaulted]: "http://127.0.0.1:1" }), GATEWAY_ACCOUNT_ID: owner.org.account_id };
    expect((await create(other, defaulted, both)).status).toBe(400);
    expect((await create(owner, defaulted, both)).status).toBe(201);
  });

  it("single-account mode: a port does not move a request off the application that protects the path", async () => {
    const a = await account();
    const [t1, t2] = [await createToken(a), await createToken(a)];
    const host = `${unique("single")}.test`;
    const single = { ORIGINS: "", ORIGIN_URL: inject("originUrl"), GATEWAY_ACCOUNT_ID: a.org.account_id };
    expect((await create(a, `${host}/secret`, single)).status).toBe(201);
    const apps = await callWithEnv(single, "GET", appsBase(a.org.account_id), { token: a.key });
    const app = apps.body.result.find((x: { domain: string }) => x.domain === `${host}/secret`);
    await callWithEnv(single, "PUT", `${appsBase(a.org.account_id)}/${app.id}`, {
      token: a.key,
      body: { type: "self_hosted", domain: `${host}/secret`, policies: [policy("non_identity", [serviceToken(t1.id)])] },
    });
    const as = (t: typeof t1, extra: Record<string, string> = {}) => ({
      headers: { ...clientHeaders(t.client_id, t.client_secret), ...extra },
    });
    for (const spelling of [host, `${host}:8443`, `${host}:443`, `${host.toUpperCase()}.:8443`]) {
      expect((await callWithEnv(single, "GET", `https://${spelling}/secret/x`, as(t2))).status, spelling).toBe(403);
      expect((await callWithEnv(single, "GET", `https://${spelling}/secret/x`, { token: a.key })).status, spelling).toBe(403);
      expect((await callWithEnv(single, "GET", `https://${spelling}/secret/x`, as(t1))).status, spelling).toBe(200);
    }
    // Elsewhere on the host, any credential of the account passes, as before applications.
    expect((await callWithEnv(single, "GET", `https://${host}:8443/other`, as(t2))).status).toBe(200);
  });

  it("refuses at the first request a configuration that serves a host without an owner, naming the entry and the fix", async () => {
    const a = await account();
    const cases: [Record<string, string>, RegExp][] = [
      [{ ORIGIN_URL: "http://127.0.0.1:1" }, /ORIGIN_URL serves every host not in ORIGINS.*set GATEWAY_ACCOUNT_ID/],
      [
        { ORIGINS: JSON.stringify({ "a.test": "http://127.0.0.1:1" }) },
        /ORIGINS entry "a\.test" names no account: write \{"origin": "http:\/\/127\.0\.0\.1:1", "account_id": "<32 hex>"\}/,
      ],
      [
        { ORIGINS: JSON.stringify({ "a.test:8443": { origin: "http://127.0.0.1:1", account_id: a.org.account_id } }) },
        /ORIGINS entry "a\.test:8443" must not have a port/,
      ],
      [
        { ORIGINS: JSON.stringify({ "A.test": "self", "a.test.": "self" }), GATEWAY_ACCOUNT_ID: a.org.account_id },
        /names the host a\.test twice/,
      ],
    ];
    for (const [vars, message] of cases) {
      const res = await callWithEnv(vars, "GET", "/v1/api_key", { token: a.key });
      expect(res.status, JSON.stringify(vars)).toBe(500);
      expect(res.body).toMatchObject({ error: "misconfigured", message: expect.stringMatching(message) });
    }
  });
});

describe("an application as large as the schema allows", () => {
  it("stores 50 destinations and 50 inline policies (more values than D1 binds in one statement)", async () => {
    const a = await account();
    const host = newHost(a);
    const destinations = Array.from({ length: 50 }, (_, i) => ({ type: "public", uri: `${host}/d${i}` }));
    const policies = Array.from({ length: 50 }, (_, i) => ({ ...policy("non_identity", [anyToken]), name: `p${i}` }));
    const res = await cf("POST", appsBase(a.org.account_id), {
      token: a.key,
      body: { type: "self_hosted", domain: host, destinations, policies },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.result.policies).toHaveLength(50);
    expect(res.body.result.destinations).toHaveLength(50);
    const updated = await cf("PUT", `${appsBase(a.org.account_id)}/${res.body.result.id}`, {
      token: a.key,
      body: {
        type: "self_hosted",
        domain: host,
        destinations: destinations.slice(1),
        policies: res.body.result.policies.map((p: { id: string; name: string }) => ({
          ...policy("deny", [anyToken]),
          id: p.id,
          name: p.name,
        })),
      },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.result.policies.every((p: { decision: string }) => p.decision === "deny")).toBe(true);
  });
});
