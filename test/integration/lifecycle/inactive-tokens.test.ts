/**
 * The organization's `service_token_inactivity`, enforced by the cron: tokens
 * aged by the test (used lately, old and idle, old but named by a policy, young)
 * are disabled or deleted exactly when Access says, through the revocation
 * protocol (the next request is refused), audited with the threshold, with a
 * `credential.inactive` webhook; a second run changes nothing.
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken, inMinutes } from "../../helpers/cloudflare";
import { orgPath } from "../../helpers/access-organization";
import { anyToken, createApp, newHost, policy, viaGateway } from "../../helpers/gateway-apps";
import { call } from "../../helpers/http";
import { createWebhook, eventsOf, newBox, runCron, waitFor } from "../../helpers/lifecycle";
import { clientHeaders, identity } from "../../helpers/service-auth";
import { mintClientSecret } from "../../../src/core/credentials/tokens";
import { eventually } from "../../helpers/homes";

const lastUsedInD1 = async (id: string) =>
  (await env.DB.prepare("SELECT last_used_at FROM credentials WHERE id = ?").bind(id).first<{ last_used_at: number | null }>())
    ?.last_used_at ?? null;

const DAY = 86_400_000;
type Account = Awaited<ReturnType<typeof account>>;

/** Ages a token as the test needs: created `createdDaysAgo` days ago, last used `usedDaysAgo` days ago (null: never). */
async function age(id: string, createdDaysAgo: number, usedDaysAgo: number | null) {
  const now = Date.now();
  await env.DB.prepare("UPDATE credentials SET created_at = ?, last_used_at = ? WHERE id = ?")
    .bind(now - createdDaysAgo * DAY, usedDaysAgo === null ? null : now - usedDaysAgo * DAY, id)
    .run();
}

/** An account with inactivity cleanup on, and its tokens in each situation. */
async function scene(action: "disable" | "delete") {
  const a = await account();
  const box = newBox();
  const hook = await createWebhook(a.key, box, { events: ["credential.inactive", "credential.deleted"] });
  const t = {
    recent: await createToken(a, { name: "recent" }),
    idle: await createToken(a, { name: "idle" }),
    idleUsed: await createToken(a, { name: "idle-used" }),
    named: await createToken(a, { name: "named" }),
    young: await createToken(a, { name: "young" }),
    off: await createToken(a, { name: "already-off", enabled: false }),
  };
  await age(t.recent.id, 100, 1);
  await age(t.idle.id, 100, null);
  await age(t.idleUsed.id, 100, 40);
  await age(t.named.id, 100, null);
  await age(t.young.id, 10, null);
  await age(t.off.id, 100, null);
  // Named by a rule (an exclude one counts: Access counts any reference).
  await createApp(a, newHost(a), [policy("non_identity", [anyToken], { exclude: [{ service_token: { token_id: t.named.id } }] })]);
  const on = await cf("PATCH", orgPath(a), {
    token: a.key,
    body: { service_token_inactivity: { enabled: true, inactivity_threshold_days: 30, action } },
  });
  expect(on.status, on.text).toBe(200);
  return { a, box, hook, t };
}

const stateOf = async (a: Account, id: string) => {
  const res = await cf("GET", `${a.base}/${id}`, { token: a.key });
  return res.status === 404 ? "deleted" : res.body.result.enabled ? "enabled" : "disabled";
};
const audits = async (a: Account, action: string) =>
  (await call("GET", `/v1/audit_events?action=${action}&limit=100`, { token: a.key })).body.objects as {
    target_id: string;
    changes: Record<string, unknown>;
    actor_principal_id: string | null;
  }[];

describe("inactive service tokens (service_token_inactivity)", () => {
  it("disables only the old, idle tokens no policy names; the next request is refused; a second run changes nothing", async () => {
    const { a, box, hook, t } = await scene("disable");
    // Cached in its home first (a wrong secret loads the record and is no use).
    expect((await identity(clientHeaders(t.idle.client_id, mintClientSecret(t.idle.id)))).status).toBe(401);
    // Idle for 100 days, then used: its home tells D1 at once (the first use after an hour unused), so the sweep sees it used.
    const woken = await createToken(a, { name: "woken" });
    await age(woken.id, 100, null);
    expect((await identity(clientHeaders(woken.client_id, woken.client_secret))).status).toBe(200);
    await eventually(async () => (await lastUsedInD1(woken.id)) !== null, 15_000);
    await runCron(Date.now());
    expect(await stateOf(a, woken.id)).toBe("enabled");
    const states = Object.fromEntries(await Promise.all(Object.entries(t).map(async ([k, v]) => [k, await stateOf(a, v.id)])));
    expect(states).toEqual({
      recent: "enabled",
      idle: "disabled",
      idleUsed: "disabled",
      named: "enabled",
      young: "enabled",
      off: "disabled",
    });

    const refused = await identity(clientHeaders(t.idle.client_id, t.idle.client_secret));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/disabled/);

    const events = await audits(a, "service_token.inactive_disabled");
    expect(events.map((e) => e.target_id).sort()).toEqual([t.idle.id, t.idleUsed.id].sort());
    expect(events.find((e) => e.target_id === t.idleUsed.id)).toMatchObject({
      actor_principal_id: null,
      changes: { threshold_days: 30, name: "idle-used", disabled: true },
    });
    const sent = eventsOf(hook.secret, await waitFor(box, 2)).filter((e) => e.type === "credential.inactive");
    expect(sent.map((e) => e.data.id).sort()).toEqual([t.idle.id, t.idleUsed.id].sort());
    expect(sent[0]!.data).toMatchObject({ kind: "access_token", org_id: a.org.id, threshold_days: 30, disabled: true });

    const before = await env.DB.prepare("SELECT id, enabled, revision, updated_at FROM credentials WHERE org_id = ? ORDER BY id")
      .bind(a.org.id)
      .all();
    await runCron(Date.now() + 60_000);
    const after = await env.DB.prepare("SELECT id, enabled, revision, updated_at FROM credentials WHERE org_id = ? ORDER BY id")
      .bind(a.org.id)
      .all();
    expect(after.results).toEqual(before.results);
    expect(await audits(a, "service_token.inactive_disabled")).toHaveLength(2);
  }, 20_000);

  it("deletes them with action delete (disabled ones too), with credential.inactive and credential.deleted; a second run changes nothing", async () => {
    const { a, box, hook, t } = await scene("delete");
    await runCron(Date.now());
    const states = Object.fromEntries(await Promise.all(Object.entries(t).map(async ([k, v]) => [k, await stateOf(a, v.id)])));
    expect(states).toEqual({ recent: "enabled", idle: "deleted", idleUsed: "deleted", named: "enabled", young: "enabled", off: "deleted" });
    expect((await identity(clientHeaders(t.idle.client_id, t.idle.client_secret))).status).toBe(401);
    const events = await audits(a, "service_token.inactive_deleted");
    expect(events.map((e) => e.target_id).sort()).toEqual([t.idle.id, t.idleUsed.id, t.off.id].sort());
    expect(events[0]!.changes).toMatchObject({ threshold_days: 30, deleted: true });
    const count = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM credentials WHERE org_id = ?").bind(a.org.id).first<{ n: number }>())!.n;
    const n = await count();
    await runCron(Date.now() + 60_000);
    expect(await count()).toBe(n);
    expect(await audits(a, "service_token.inactive_deleted")).toHaveLength(3);
    // `credential.deleted` is stamped by the database's clock, a moment after the run's time: the second run sends it.
    const sent = eventsOf(hook.secret, await waitFor(box, 6));
    for (const id of [t.idle.id, t.idleUsed.id, t.off.id]) {
      expect(
        sent
          .filter((e) => e.data.id === id)
          .map((e) => e.type)
          .sort(),
      ).toEqual(["credential.deleted", "credential.inactive"]);
    }
  }, 20_000);

  it("leaves accounts that did not turn it on, or turned it off, alone", async () => {
    const a = await account();
    const idle = await createToken(a);
    await age(idle.id, 400, null);
    await cf("PATCH", orgPath(a), {
      token: a.key,
      body: { service_token_inactivity: { enabled: true, inactivity_threshold_days: 30, action: "delete" } },
    });
    await cf("PATCH", orgPath(a), { token: a.key, body: { service_token_inactivity: { enabled: false } } });
    const b = await account();
    const idleB = await createToken(b);
    await age(idleB.id, 400, null);
    await runCron(Date.now());
    expect(await stateOf(a, idle.id)).toBe("enabled");
    expect(await stateOf(b, idleB.id)).toBe("enabled");
  });
});

describe("enabled: false during a rotation's grace period", () => {
  it("stops the previous secret too, at get-identity, the gateway and RPC, until re-enabled", async () => {
    const a = await account();
    const t = await createToken(a);
    const h = newHost(a);
    await createApp(a, h, [policy("non_identity", [anyToken])]);
    const rotated = await cf("POST", `${a.base}/${t.id}/rotate`, {
      token: a.key,
      body: { previous_client_secret_expires_at: inMinutes(30) },
    });
    const secrets = [t.client_secret, rotated.body.result.client_secret as string];
    const doors = async (secret: string) => [
      (await identity(clientHeaders(t.client_id, secret))).status,
      (await viaGateway([h], "GET", `${h}/x`, { headers: clientHeaders(t.client_id, secret) })).status,
      (await exports.AuthService.verify(clientHeaders(t.client_id, secret))).ok ? 200 : 403,
    ];
    for (const secret of secrets) expect(await doors(secret)).toEqual([200, 200, 200]);
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    for (const secret of secrets) expect(await doors(secret)).toEqual([403, 403, 403]);
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: true } });
    for (const secret of secrets) expect(await doors(secret)).toEqual([200, 200, 200]);
  });
});
