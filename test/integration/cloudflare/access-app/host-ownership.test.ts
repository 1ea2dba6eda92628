/**
 * A host belongs to one account (found by the security review: another account
 * could claim a longer path on a victim's host and open it with a Bypass policy).
 * And an application may use what the schema allows: 50 destinations, 50 policies.
 */
import { describe, expect, it } from "vitest";
import { account, cf } from "../../../helpers/cloudflare";
import { anyToken, appsBase, createApp, everyone, newHost, policy, viaGateway } from "../../../helpers/gateway-apps";
import { callWithEnv } from "../../../helpers/http";

describe("host ownership", () => {
  it("refuses another account any path on a host the first account protects, and its whole host", async () => {
    const [victim, attacker] = [await account(), await account()];
    const host = newHost();
    await createApp(victim, `${host}/admin`, [policy("non_identity", [anyToken])]);
    const open = [policy("bypass", [everyone])];
    for (const domain of [`${host}/admin/x`, `${host}/other`, host, `${host.toUpperCase()}./ADMIN/deeper`]) {
      const res = await cf("POST", appsBase(attacker.org.account_id), { token: attacker.key, body: { type: "self_hosted", domain, policies: open } });
      expect(res.status, `${domain}: ${res.text}`).toBe(409);
      expect(res.body.errors[0].message).not.toContain(victim.org.account_id);
    }
    // ...also as a destination of an application on the attacker's own host
    const sneaky = await cf("POST", appsBase(attacker.org.account_id), {
      token: attacker.key,
      body: { type: "self_hosted", domain: newHost(), destinations: [{ type: "public", uri: `${host}/admin/x` }], policies: open },
    });
    expect(sneaky.status).toBe(409);
    // The victim's path stays shut to anyone without a token.
    expect((await viaGateway([host], "GET", `${host}/admin/x/secret`)).status).toBe(401);
    // The victim may add paths on its own host.
    await createApp(victim, `${host}/public`, open);
    expect((await viaGateway([host], "GET", `${host}/public/x`)).status).toBe(200);
  });

  it("lets the operator pin a host to an account (ORIGINS account_id), and GATEWAY_ACCOUNT_ID keeps every other host", async () => {
    const [owner, other] = [await account(), await account()];
    const pinned = newHost();
    const origins = JSON.stringify({ [pinned]: { origin: "http://127.0.0.1:1", account_id: owner.org.account_id } });
    const create = (who: typeof owner, domain: string, env: Record<string, string>) =>
      callWithEnv(env, "POST", `${appsBase(who.org.account_id)}`, { token: who.key, body: { type: "self_hosted", domain, policies: [policy("bypass", [everyone])] } });
    expect((await create(other, pinned, { ORIGINS: origins })).status).toBe(409);
    expect((await create(owner, pinned, { ORIGINS: origins })).status).toBe(201);
    const single = { ORIGIN_URL: "http://127.0.0.1:1", GATEWAY_ACCOUNT_ID: owner.org.account_id };
    expect((await create(other, newHost(), single)).status).toBe(409);
    expect((await create(owner, newHost(), single)).status).toBe(201);
  });
});

describe("an application as large as the schema allows", () => {
  it("stores 50 destinations and 50 inline policies (more values than D1 binds in one statement)", async () => {
    const a = await account();
    const host = newHost();
    const destinations = Array.from({ length: 50 }, (_, i) => ({ type: "public", uri: `${host}/d${i}` }));
    const policies = Array.from({ length: 50 }, (_, i) => ({ ...policy("non_identity", [anyToken]), name: `p${i}` }));
    const res = await cf("POST", appsBase(a.org.account_id), { token: a.key, body: { type: "self_hosted", domain: host, destinations, policies } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.result.policies).toHaveLength(50);
    expect(res.body.result.destinations).toHaveLength(50);
    const updated = await cf("PUT", `${appsBase(a.org.account_id)}/${res.body.result.id}`, {
      token: a.key,
      body: { type: "self_hosted", domain: host, destinations: destinations.slice(1), policies: res.body.result.policies.map((p: { id: string; name: string }) => ({ ...policy("deny", [anyToken]), id: p.id, name: p.name })) },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.result.policies.every((p: { decision: string }) => p.decision === "deny")).toBe(true);
  });
});
