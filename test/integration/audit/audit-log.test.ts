import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createServiceAccount } from "../../helpers/braintrust";
import { cf } from "../../helpers/cloudflare";
import { bootstrap, call, unique } from "../../helpers/http";

interface Event {
  id: string;
  action: string;
  target_type: string;
  target_id: string;
  actor_principal_id: string | null;
  actor_credential_id: string | null;
  actor: { type: string; principal_id?: string; email?: string | null };
  client_ip: string | null;
  request_id: string | null;
  changes: Record<string, unknown>;
  created: string;
  org_id: string;
}

const events = async (token: string, query = "") => {
  const res = await call<{ objects: Event[] }>("GET", `/v1/audit_events${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.objects;
};

const IP = { "CF-Connecting-IP": "203.0.113.7" };

describe("the audit log", () => {
  it("records every credential change exactly once, with actor, request id, client IP and changed fields", async () => {
    const b = await bootstrap();
    const key = b.api_key.key;
    const actor = { actor_principal_id: b.user.id, actor_credential_id: b.api_key.id };
    const secrets: string[] = [key];

    const created = await call("POST", "/v1/api_key", { token: key, body: { name: "ci" }, headers: IP });
    secrets.push(created.body.key);
    await call("DELETE", `/v1/api_key/${created.body.id}`, { token: key, headers: IP });
    const sa = await createServiceAccount(key, { name: "robot", token_name: "first" });
    secrets.push(sa.api_key!);
    const put1 = await call("PUT", "/v1/service_token", { token: key, body: { name: "deploy", service_account_id: sa.id } });
    const put2 = await call("PUT", "/v1/service_token", { token: key, body: { name: "deploy", service_account_id: sa.id } });
    secrets.push(put1.body.key, put2.body.key);
    await call("DELETE", `/v1/service_token/${put2.body.id}`, { token: key });
    const base = `/accounts/${b.org.account_id}/access/service_tokens`;
    const at = (await cf("POST", base, { token: key, body: { name: "svc" } })).body.result;
    secrets.push(at.client_secret);
    await cf("PUT", `${base}/${at.id}`, { token: key, body: { name: "svc2", enabled: false } });
    await cf("POST", `${base}/${at.id}/refresh`, { token: key });
    const rotated = await cf("POST", `${base}/${at.id}/rotate`, { token: key, body: {} });
    secrets.push(rotated.body.result.client_secret);
    await cf("DELETE", `${base}/${at.id}`, { token: key });
    await call("PATCH", "/v1/organization/members", { token: key, body: { invite_users: { emails: ["invitee@example.com"] } } });
    await call("PATCH", "/v1/organization/members", { token: key, body: { remove_users: { emails: ["invitee@example.com"] } } });

    const log = (await events(key)).reverse(); // oldest first
    expect(log.map((e) => e.action)).toEqual([
      "org.bootstrap",
      "api_key.create",
      "api_key.delete",
      "service_account.create",
      "service_token.create",
      "service_token.create",
      "service_token.replace",
      "service_token.delete",
      "access_token.create",
      "access_token.update",
      "access_token.refresh",
      "access_token.rotate",
      "access_token.delete",
      "member.invite",
      "member.remove",
    ]);
    expect(log[0]).toMatchObject({
      target_type: "org",
      target_id: b.org.id,
      actor_principal_id: null,
      actor: { type: "admin_token" },
      changes: { org_name: b.org.name, email: b.user.email },
    });
    expect(log[1]).toMatchObject({
      ...actor,
      target_type: "api_key",
      target_id: created.body.id,
      client_ip: "203.0.113.7",
      changes: { name: "ci" },
    });
    // Who acted, as the event says: the principal by email.
    expect(log[1]!.actor).toEqual({ type: "principal", principal_id: b.user.id, email: b.user.email });
    expect(log[1]!.request_id).toBe(created.headers.get("x-request-id"));
    expect(log[2]).toMatchObject({ target_id: created.body.id, changes: { name: "ci" } });
    expect(log[6]).toMatchObject({ target_id: put2.body.id, changes: { name: "deploy", replaced: 1, service_account_id: sa.id } });
    expect(log[9]).toMatchObject({ target_type: "access_token", target_id: at.id, changes: { name: "svc2", enabled: false } });
    expect(log[11]!.changes).toMatchObject({ client_secret_version: 2 });
    expect(log[13]!.target_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(log[13]!.target_id).toBe(log[14]!.target_id);
    for (const e of log) expect(e.org_id).toBe(b.org.id);
    // no secret, nor any part of one, anywhere in the log
    const text = JSON.stringify(log);
    for (const s of secrets) expect(text).not.toContain(s.slice(-40));
  });

  it("records nothing for a refused or failed change", async () => {
    const b = await bootstrap();
    const before = (await events(b.api_key.key)).length;
    await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: 5 } });
    await call("DELETE", "/v1/api_key/0190f3a0-0000-7000-8000-000000000000", { token: b.api_key.key });
    await call("POST", "/v1/service_token", { token: b.api_key.key, body: { name: "x", service_account_id: b.user.id } });
    await cf("POST", `/accounts/${b.org.account_id}/access/service_tokens/0190f3a0-0000-7000-8000-000000000000/rotate`, {
      token: b.api_key.key,
      body: {},
    });
    await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { remove_users: { ids: [b.user.id] } } });
    expect(await events(b.api_key.key)).toHaveLength(before);
  });

  it("filters by target, action and time, pages with cursors, and is for owners of the org only", async () => {
    const b = await bootstrap();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: `k${i}` } })).body.id);
    expect((await events(b.api_key.key, `?target_id=${ids[2]}`)).map((e) => e.action)).toEqual(["api_key.create"]);
    expect(await events(b.api_key.key, "?action=api_key.create")).toHaveLength(4);
    const all = await events(b.api_key.key);
    const page1 = await events(b.api_key.key, "?limit=2");
    const page2 = await events(b.api_key.key, `?limit=2&starting_after=${page1[1]!.id}`);
    expect([...page1, ...page2].map((e) => e.id)).toEqual(all.slice(0, 4).map((e) => e.id));
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await events(b.api_key.key, `?since=${encodeURIComponent(future)}`)).toEqual([]);
    expect(await events(b.api_key.key, `?until=${encodeURIComponent(future)}`)).toHaveLength(all.length);
    expect((await call("GET", "/v1/audit_events?action=nope", { token: b.api_key.key })).status).toBe(400);

    const member = await bootstrap({ email: `${unique("m")}@example.com` });
    await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
    const denied = await call("GET", `/v1/audit_events?org_name=${b.org.name}`, { token: member.api_key.key });
    expect(denied.status).toBe(403);
    const other = await bootstrap();
    expect((await events(other.api_key.key)).every((e) => e.org_id === other.org.id)).toBe(true);
    expect(await events(other.api_key.key, `?target_id=${ids[0]}`)).toEqual([]);
  });

  it("writes the event in the change's own batch: a change and its event stand or fall together", async () => {
    const b = await bootstrap();
    const count = async (table: string) =>
      (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ?`).bind(b.org.id).first<{ n: number }>())!.n;
    const [c0, e0] = [await count("credentials"), await count("audit_events")];
    await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "x" } });
    expect([await count("credentials"), await count("audit_events")]).toEqual([c0 + 1, e0 + 1]);
  });
});
