/**
 * D1 failures injected at each write step: a failing statement is slipped into the
 * write batch at every position in turn. Each time the answer is a 5xx in the
 * surface's format with a request id, and the database is exactly as before.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceAccount } from "../../helpers/braintrust";
import { account, cf, createToken, inMinutes, verify } from "../../helpers/cloudflare";
import { ADMIN_TOKEN, type CallOptions, callWithEnv, dumpDatabase, unique } from "../../helpers/http";
import { anyToken, createApp, newHost, policy } from "../../helpers/gateway-apps";
import { expectLog } from "../../helpers/expected-logs";
import { newBox } from "../../helpers/lifecycle";
import { reportFigures } from "../../helpers/settings";

/** A D1 binding whose next batch gets a failing statement at position `at`. */
function faultyDb(at: number) {
  const seen = { batchLength: 0, injected: 0 };
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          seen.batchLength = statements.length;
          seen.injected++;
          const failing = target.prepare("INSERT INTO no_such_table (x) VALUES (1)");
          return target.batch([...statements.slice(0, at), failing, ...statements.slice(at)]);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, seen };
}

let faultsInjected = 0;

/** Runs `method path` with a fault at every position of its write batch; the database must never change. */
async function atEveryStep(method: string, path: string, opts: CallOptions) {
  let length = Infinity;
  // The database of this file alone (vitest.config.ts): what it holds before a fault is what it
  // held after the previous one, which the previous step compared.
  const before = await dumpDatabase();
  for (let at = 0; at <= length; at++) {
    const { db, seen } = faultyDb(at);
    const res = await callWithEnv({ DB: db }, method, path, opts);
    length = Math.min(length, seen.batchLength);
    expect(seen.injected, `${method} ${path} wrote without a batch`).toBeGreaterThan(0);
    faultsInjected++;
    expect(res.status, `${method} ${path} with a fault at ${at}`).toBeGreaterThanOrEqual(500);
    const requestId = res.headers.get("x-request-id")!;
    expect(requestId).toMatch(/.+/);
    if (path.startsWith("/accounts/")) {
      expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: 10010 }] });
      expect(res.body.errors[0].message).toContain(requestId);
    } else {
      expect(res.body).toMatchObject({ error: "internal", request_id: requestId });
    }
    expect(await dumpDatabase(), `${method} ${path} with a fault at ${at} changed the database`).toBe(before);
  }
  return length;
}

describe("D1 faults at each write step", () => {
  it("leave the database as it was on every write of both surfaces and bootstrap", async () => {
    // The Worker reports each fault (with the request id), as it would any unhandled error.
    const logged = expectLog(/^\[[^\]]+\] unhandled error: D1_ERROR: no such table: no_such_table/);
    const a = await account();
    const sa = await createServiceAccount(a.key, { token_name: "first" });
    const t = await createToken(a);
    const key = a.key;
    const base = `/accounts/${a.org.account_id}/access/service_tokens`;
    const existingToken = (
      await callWithEnv({}, "POST", "/v1/service_token", { token: key, body: { name: "deploy", service_account_id: sa.id } })
    ).body;
    const spareKey = (await callWithEnv({}, "POST", "/v1/api_key", { token: key, body: { name: "spare" } })).body;
    const apps = `/accounts/${a.org.account_id}/access/apps`;
    const reusablePolicies = `/accounts/${a.org.account_id}/access/policies`;
    const app = await createApp(a, newHost(a), [policy("non_identity", [anyToken])]);
    const scopedId = app.policies[0]!.id;
    const reusable = (await cf("POST", reusablePolicies, { token: key, body: policy("bypass", [anyToken]) })).body.result;
    const linkedApp = await createApp(a, newHost(a), [{ id: reusable.id, precedence: 1 }]);
    // With a webhook, every credential write below also writes its outbox event (triggers of
    // migration 0008): a fault anywhere must leave neither the change nor its event. (Targets are
    // the local receiver: nothing here may reach another host.)
    const hook = (await callWithEnv({}, "POST", "/v1/webhook", { token: key, body: { url: newBox() } })).body;
    const spareHook = (await callWithEnv({}, "POST", "/v1/webhook", { token: key, body: { url: newBox() } })).body;

    const lengths: Record<string, number> = {};
    const cases: [string, string, CallOptions][] = [
      ["POST", "/admin/bootstrap", { token: ADMIN_TOKEN, body: { org_name: unique("org"), email: `${unique("u")}@example.com` } }],
      ["POST", "/v1/api_key", { token: key, body: { name: "k" } }],
      ["DELETE", `/v1/api_key/${spareKey.id}`, { token: key }],
      ["POST", "/v1/service_token", { token: key, body: { name: "new", service_account_id: sa.id } }],
      ["PUT", "/v1/service_token", { token: key, body: { name: "deploy", service_account_id: sa.id } }],
      ["DELETE", `/v1/service_token/${existingToken.id}`, { token: key }],
      [
        "PATCH",
        "/v1/organization/members",
        {
          token: key,
          body: {
            invite_users: { emails: ["new@example.com"], service_accounts: [{ name: "r", token_name: "t" }] },
            remove_users: { ids: [sa.id] },
          },
        },
      ],
      ["POST", base, { token: key, body: { name: "svc" } }],
      ["PUT", `${base}/${t.id}`, { token: key, body: { name: "renamed", duration: "1h" } }],
      ["POST", `${base}/${t.id}/refresh`, { token: key }],
      ["POST", `${base}/${t.id}/rotate`, { token: key, body: { previous_client_secret_expires_at: inMinutes(5) } }],
      ["DELETE", `${base}/${t.id}`, { token: key }],
      ["POST", apps, { token: key, body: { type: "self_hosted", domain: newHost(a), policies: [policy("non_identity", [anyToken])] } }],
      [
        "PUT",
        `${apps}/${app.id}`,
        { token: key, body: { type: "self_hosted", domain: newHost(a), policies: [policy("deny", [anyToken])] } },
      ],
      ["POST", `${apps}/${app.id}/policies`, { token: key, body: policy("bypass", [anyToken]) }],
      ["PUT", `${apps}/${app.id}/policies/${scopedId}`, { token: key, body: { ...policy("deny", [anyToken]), precedence: 7 } }],
      ["DELETE", `${apps}/${app.id}/policies/${scopedId}`, { token: key }],
      ["DELETE", `${apps}/${linkedApp.id}/policies/${reusable.id}`, { token: key }],
      ["POST", reusablePolicies, { token: key, body: policy("non_identity", [anyToken]) }],
      ["PUT", `${reusablePolicies}/${reusable.id}`, { token: key, body: policy("deny", [anyToken]) }],
      ["DELETE", `${reusablePolicies}/${reusable.id}`, { token: key }],
      ["DELETE", `${apps}/${app.id}`, { token: key }],
      ["POST", "/v1/webhook", { token: key, body: { url: newBox() } }],
      ["POST", `/v1/webhook/${hook.id}/rotate_secret`, { token: key, body: {} }],
      ["DELETE", `/v1/webhook/${spareHook.id}`, { token: key }],
      // Leak response: the revocation, its audit event and its `credential.leaked` outbox row together or not at all.
      ["POST", "/credentials/revoke", { body: { credentials: [spareKey.key] } }],
      ["POST", "/credentials/revoke", { body: { credentials: [t.client_secret] } }],
    ];
    for (const [method, path, opts] of cases)
      lengths[`${method} ${path.replace(/[0-9a-f-]{32,}/g, ":id")}`] = await atEveryStep(method, path, opts);

    // after all those faults, everything still works as before them
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    expect((await cf("GET", `${base}/${t.id}`, { token: key })).body.result.name).toBe("svc");
    expect((await callWithEnv({}, "GET", `/v1/service_token/${existingToken.id}`, { token: key })).status).toBe(200);
    const appAfter = (await cf("GET", `/client/v4${apps}/${app.id}`, { token: key })).body.result;
    expect(appAfter.domain).toBe(app.domain);
    expect(appAfter.policies.map((p: { id: string }) => p.id)).toEqual([scopedId]);
    expect((await cf("GET", `/client/v4${reusablePolicies}/${reusable.id}`, { token: key })).body.result.app_count).toBe(1);
    expect((await callWithEnv({}, "GET", `/v1/webhook/${spareHook.id}`, { token: key })).status).toBe(200);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM webhook_events WHERE org_id = ?")
      .bind(a.org.id)
      .first<{ n: number }>())!;
    expect(n).toBe(0); // every write above failed: no event without its change
    expect(Object.values(lengths).every((n) => n >= 2)).toBe(true);
    expect(logged.lines).toHaveLength(faultsInjected);
    reportFigures(`[faults] ${faultsInjected} faults injected over ${cases.length} writes`);
  }, 60_000);
});
