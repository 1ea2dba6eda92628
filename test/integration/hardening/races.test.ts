/**
 * Concurrent changes and authentications of one token. Afterwards the invariants
 * hold: at most one current secret, a grace secret only until its time, a deleted
 * credential never verifies once its delete has answered, and no lost update.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authStatus } from "../../helpers/braintrust";
import { account, cf, createToken, inMinutes, verify } from "../../helpers/cloudflare";
import { call } from "../../helpers/http";
import { anyToken, appsBase, createApp, newHost, policy } from "../../helpers/gateway-apps";

const ROUNDS = 5;

describe("races", () => {
  it("rotate vs verify: during, every answer is ok or a refusal; after, only the newest secret works", async () => {
    const a = await account();
    for (let round = 0; round < ROUNDS; round++) {
      const t = await createToken(a);
      const verifies = Array.from({ length: 10 }, () => verify(t.client_id, t.client_secret));
      const rotation = cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: {} });
      const [rotated, ...outcomes] = await Promise.all([rotation, ...verifies]);
      for (const o of outcomes) expect(["ok", "invalid_secret"]).toContain(o);
      expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
      expect(await verify(t.client_id, rotated.body.result.client_secret)).toBe("ok");
    }
  });

  it("concurrent rotations leave exactly one working secret (no grace) and count every rotation", async () => {
    const a = await account();
    const t = await createToken(a);
    const answers = await Promise.all(Array.from({ length: 4 }, () => cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: {} })));
    const ok = answers.filter((r) => r.status === 200);
    for (const r of answers) expect([200, 409]).toContain(r.status);
    const working = [];
    for (const r of ok) if ((await verify(t.client_id, r.body.result.client_secret)) === "ok") working.push(r);
    expect(working).toHaveLength(1);
    const final = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
    expect(final.client_secret_version).toBe(1 + ok.length);
    expect(working[0]!.body.result.client_secret_version).toBe(final.client_secret_version);
  });

  it("concurrent rotations with grace keep at most the newest and one previous secret", async () => {
    const a = await account();
    const t = await createToken(a);
    const answers = await Promise.all(
      Array.from({ length: 3 }, () =>
        cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(5) } }),
      ),
    );
    const secrets = [t.client_secret, ...answers.filter((r) => r.status === 200).map((r) => r.body.result.client_secret)];
    const outcomes = await Promise.all(secrets.map((s) => verify(t.client_id, s)));
    expect(outcomes.filter((o) => o === "ok").length).toBeLessThanOrEqual(2);
    expect(outcomes.filter((o) => o === "ok").length).toBeGreaterThanOrEqual(1);
  });

  it("delete vs verify: once the delete has answered, nothing verifies", async () => {
    const a = await account();
    for (let round = 0; round < ROUNDS; round++) {
      const t = await createToken(a);
      const key = (await call("POST", "/v1/api_key", { token: a.key, body: { name: `k${round}` } })).body;
      const racing = [
        ...Array.from({ length: 5 }, () => verify(t.client_id, t.client_secret)),
        ...Array.from({ length: 5 }, () => authStatus(key.key).then(String)),
      ];
      const [delToken, delKey] = await Promise.all([
        cf("DELETE", `${a.base}/${t.id}`, { token: a.key }),
        call("DELETE", `/v1/api_key/${key.id}`, { token: a.key }),
        ...racing,
      ]);
      expect([delToken.status, delKey.status]).toEqual([200, 200]);
      expect(await verify(t.client_id, t.client_secret)).toBe("unknown");
      expect(await authStatus(key.key)).toBe(401);
    }
  });

  it("refresh vs update: both land, updated_at and expires_at are the latest write's", async () => {
    const a = await account();
    for (let round = 0; round < ROUNDS; round++) {
      const t = await createToken(a, { duration: "1h" });
      const [refreshed, updated] = await Promise.all([
        cf("POST", `${a.base}/${t.id}/refresh`, { token: a.key }),
        cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { duration: "2h", name: `n${round}` } }),
      ]);
      expect([refreshed.status, updated.status]).toEqual([200, 200]);
      const final = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
      expect(final).toMatchObject({ name: `n${round}`, duration: "2h" });
      const last = [refreshed.body.result, updated.body.result].sort((x, y) => Date.parse(x.updated_at) - Date.parse(y.updated_at)).at(-1);
      expect(final.updated_at).toBe(last.updated_at);
      // expires_at is always the duration counted from the last write
      expect(Date.parse(final.expires_at) - Date.parse(final.updated_at)).toBe(2 * 3_600_000);
      const { n } = (await env.DB.prepare("SELECT revision AS n FROM credentials WHERE id = ?").bind(t.id).first<{ n: number }>())!;
      expect(n).toBe(2); // two updates, none lost, none doubled
    }
  });

  it("applications claiming one host and path at once: exactly one wins, the owner's duplicate and another account get 400", async () => {
    const [a, b] = [await account(), await account()];
    for (let round = 0; round < ROUNDS; round++) {
      const host = newHost(a);
      const body = { type: "self_hosted", domain: `${host}/api`, policies: [policy("non_identity", [anyToken])] };
      const answers = await Promise.all([a, b, a].map((who) => cf("POST", appsBase(who.org.account_id), { token: who.key, body })));
      expect(answers.map((r) => r.status).sort()).toEqual([201, 400, 400]);
      const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM access_app_routes WHERE host = ?").bind(host).first<{ n: number }>())!;
      expect(n).toBe(1);
      // The loser stored nothing: no application without its route.
      const orphans = await env.DB.prepare(
        "SELECT count(*) AS n FROM access_apps a WHERE NOT EXISTS (SELECT 1 FROM access_app_routes r WHERE r.app_id = a.id)",
      ).first<{ n: number }>();
      expect(orphans!.n).toBe(0);
    }
  });

  it("concurrent app-scoped policies at one precedence: one lands there, the others get 409, precedences stay unique", async () => {
    const a = await account();
    const app = await createApp(a, newHost(a), [policy("non_identity", [anyToken])]);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        cf("POST", `${appsBase(a.org.account_id)}/${app.id}/policies`, {
          token: a.key,
          body: { ...policy("deny", [anyToken]), precedence: 5 },
        }),
      ),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const listed = (await cf("GET", `${appsBase(a.org.account_id)}/${app.id}/policies`, { token: a.key })).body.result;
    expect(listed.map((p: { precedence: number }) => p.precedence)).toEqual([1, 5]);
    // A 409's policy was not kept without its link.
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM access_policies WHERE app_id = ?").bind(app.id).first<{ n: number }>())!;
    expect(n).toBe(2);
  });
});
