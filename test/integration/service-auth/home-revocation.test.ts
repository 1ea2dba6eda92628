/**
 * Revocation with verification records cached in the credentials' homes: for
 * every kind of write that can end or change a credential's validity, the
 * record is first cached (checked in the object itself), then the write is made,
 * and the very next request must see it. Also: a stream racing a delete, expiry
 * in real time, and a home that cannot be reached during a revoking write.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type CredentialRef, MAX_HOMES_PER_WRITE } from "../../../src/core/credentials/verification-cache";
import { authStatus, createServiceAccount } from "../../helpers/braintrust";
import { account, cf, createToken, inMinutes } from "../../helpers/cloudflare";
import { expectLog } from "../../helpers/expected-logs";
import { homeState, unreachableHomes } from "../../helpers/homes";
import { bootstrap, call, callWithEnv } from "../../helpers/http";
import { clientHeaders, identity } from "../../helpers/service-auth";

/** Authenticates until the home holds the record, and checks that it does. */
async function cached(ref: CredentialRef, authenticate: () => Promise<number>) {
  expect(await authenticate()).toBe(200);
  expect(await authenticate()).toBe(200);
  expect((await homeState(ref)).cached).toBe(true);
}

const tokenStatus = async (clientId: string, secret: string) => (await identity(clientHeaders(clientId, secret))).status;
const asKey = (key: string) => () => authStatus(key);
const keyRef = (id: string): CredentialRef => ({ kind: "api_key", id });
const stRef = (id: string): CredentialRef => ({ kind: "service_token", id });
const atRef = (clientId: string): CredentialRef => ({ kind: "access_token", clientId });

describe("Braintrust writes reach the credential's home before they answer", () => {
  it("DELETE /v1/api_key/{id}", async () => {
    const b = await bootstrap();
    const key = (await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "doomed" } })).body;
    await cached(keyRef(key.id), asKey(key.key));
    expect((await call("DELETE", `/v1/api_key/${key.id}`, { token: b.api_key.key })).status).toBe(200);
    expect(await authStatus(key.key)).toBe(401);
  });

  it("DELETE /v1/service_token/{id} and DELETE /v1/service_token with {id}", async () => {
    const b = await bootstrap();
    const sa = await createServiceAccount(b.api_key.key);
    for (const byBody of [false, true]) {
      const t = (
        await call("POST", "/v1/service_token", { token: b.api_key.key, body: { name: `t-${byBody}`, service_account_id: sa.id } })
      ).body;
      await cached(stRef(t.id), asKey(t.key));
      const res = byBody
        ? await call("DELETE", "/v1/service_token", { token: b.api_key.key, body: { id: t.id } })
        : await call("DELETE", `/v1/service_token/${t.id}`, { token: b.api_key.key });
      expect(res.status, res.text).toBe(200);
      expect(await authStatus(t.key)).toBe(401);
    }
  });

  it("PUT /v1/service_token replacing by name", async () => {
    const b = await bootstrap();
    const sa = await createServiceAccount(b.api_key.key);
    const body = { name: "deploy", service_account_id: sa.id };
    const old = (await call("POST", "/v1/service_token", { token: b.api_key.key, body })).body;
    await cached(stRef(old.id), asKey(old.key));
    const fresh = await call("PUT", "/v1/service_token", { token: b.api_key.key, body });
    expect(fresh.status, fresh.text).toBe(200);
    expect(await authStatus(old.key)).toBe(401);
    expect(await authStatus(fresh.body.key)).toBe(200);
  });

  it("removing a user or a service account from the org", async () => {
    const b = await bootstrap();
    const member = await bootstrap();
    await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
    const inB = (await call("POST", "/v1/api_key", { token: member.api_key.key, body: { name: "in-b", org_name: b.org.name } })).body;
    const robot = await createServiceAccount(b.api_key.key, { token_name: "t" });
    const robotToken = (await call("GET", "/v1/service_token", { token: b.api_key.key })).body.objects[0];
    await cached(keyRef(inB.id), asKey(inB.key));
    await cached(stRef(robotToken.id), asKey(robot.api_key!));
    const res = await call("PATCH", "/v1/organization/members", {
      token: b.api_key.key,
      body: { remove_users: { ids: [member.user.id, robot.id] } },
    });
    expect(res.status, res.text).toBe(200);
    expect(await authStatus(inB.key)).toBe(401);
    expect(await authStatus(robot.api_key!)).toBe(401);
    expect(await authStatus(member.api_key.key)).toBe(200); // their own org's key is theirs still
  });

  it("promotion to owner (an invite into Owners, or a bootstrap) is felt by the next request", async () => {
    const b = await bootstrap();
    const member = await bootstrap();
    await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
    const inB = (await call("POST", "/v1/api_key", { token: member.api_key.key, body: { name: "in-b", org_name: b.org.name } })).body;
    const ownerOnly = () =>
      call("PATCH", "/v1/organization/members", { token: inB.key, body: { invite_users: { service_accounts: [{ name: "x" }] } } });
    expect((await ownerOnly()).status).toBe(403);
    await cached(keyRef(inB.id), asKey(inB.key));
    const promote = { invite_users: { emails: [member.user.email], group_names: ["Owners"] } };
    expect((await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: promote })).status).toBe(200);
    expect((await ownerOnly()).status).toBe(200);

    const c = await bootstrap();
    await call("PATCH", "/v1/organization/members", { token: c.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
    const inC = (await call("POST", "/v1/api_key", { token: member.api_key.key, body: { name: "in-c", org_name: c.org.name } })).body;
    const inCOwnerOnly = () =>
      call("PATCH", "/v1/organization/members", { token: inC.key, body: { invite_users: { service_accounts: [{ name: "y" }] } } });
    expect((await inCOwnerOnly()).status).toBe(403);
    await cached(keyRef(inC.id), asKey(inC.key));
    await call("POST", "/admin/bootstrap", { token: "test-admin-token", body: { org_name: c.org.name, email: member.user.email } });
    expect((await inCOwnerOnly()).status).toBe(200);
  });
});

describe("Access token writes reach the token's home before they answer", () => {
  const setup = async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1h" });
    await cached(atRef(t.client_id), () => tokenStatus(t.client_id, t.client_secret));
    return { a, t, path: `${a.base}/${t.id}` };
  };

  it("disable, then enable", async () => {
    const { a, t, path } = await setup();
    await cf("PUT", path, { token: a.key, body: { enabled: false } });
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(403);
    await cf("PUT", path, { token: a.key, body: { enabled: true } });
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(200);
  });

  it("delete", async () => {
    const { a, t, path } = await setup();
    await cf("DELETE", path, { token: a.key });
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(401);
  });

  it("rotate without grace, and a grace time moved into the past", async () => {
    const { a, t, path } = await setup();
    const first = (await cf("POST", `${path}/rotate`, { token: a.key, body: {} })).body.result.client_secret;
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(401);
    expect(await tokenStatus(t.client_id, first)).toBe(200);
    const second = (await cf("POST", `${path}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(10) } })).body
      .result.client_secret;
    expect(await tokenStatus(t.client_id, first)).toBe(200);
    await cf("PUT", path, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(-1) } });
    expect(await tokenStatus(t.client_id, first)).toBe(401);
    expect(await tokenStatus(t.client_id, second)).toBe(200);
  });

  it("refuses a token the moment it expires; a refresh or a new duration brings it back", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1500ms" });
    const path = `${a.base}/${t.id}`;
    await cached(atRef(t.client_id), () => tokenStatus(t.client_id, t.client_secret));
    const expiresAt = Date.parse(t.expires_at as string);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(403);
    expect((await cf("POST", `${path}/refresh`, { token: a.key })).status).toBe(200);
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(200);
    await cf("PUT", path, { token: a.key, body: { duration: "1ms" } });
    await new Promise((r) => setTimeout(r, 5));
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(403);
    await cf("PUT", path, { token: a.key, body: { duration: "1h" } });
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(200);
  });
});

describe("races and outages", () => {
  it("a stream of requests racing a delete never succeeds once the delete has answered", async () => {
    for (let round = 0; round < 3; round++) {
      const a = await account();
      const t = await createToken(a);
      await cached(atRef(t.client_id), () => tokenStatus(t.client_id, t.client_secret));
      let deletedAt = Number.POSITIVE_INFINITY;
      const stream = (async () => {
        const late: number[] = [];
        for (let i = 0; i < 40; i++) {
          const sent = performance.now();
          const status = await tokenStatus(t.client_id, t.client_secret);
          if (sent > deletedAt && status === 200) late.push(i);
        }
        return late;
      })();
      await new Promise((r) => setTimeout(r, 5));
      const deleted = await cf("DELETE", `${a.base}/${t.id}`, { token: a.key });
      deletedAt = performance.now();
      expect(deleted.status).toBe(200);
      expect(await stream).toEqual([]);
      expect(await tokenStatus(t.client_id, t.client_secret)).toBe(401);
    }
  });

  it("a revoking write whose home cannot be reached answers 503 and changes nothing; the retry works", async () => {
    const a = await account();
    const t = await createToken(a);
    await cached(atRef(t.client_id), () => tokenStatus(t.client_id, t.client_secret));
    const down = { CREDENTIALS: unreachableHomes };
    const logged = expectLog(/^credential object unreachable: Durable Object unreachable \(test\)$/);
    const refused = await callWithEnv(down, "DELETE", `${a.base}/${t.id}`, { token: a.key });
    // (the caller's own key is verified by its home too, so the outage answers before the write)
    expect(refused.status).toBe(503);
    expect(logged.lines).toHaveLength(1);
    expect(refused.body.errors[0].message).toMatch(/request id/);
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(200);
    expect((await cf("GET", `${a.base}/${t.id}`, { token: a.key })).status).toBe(200);
    expect((await cf("DELETE", `${a.base}/${t.id}`, { token: a.key })).status).toBe(200);
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(401);
  });

  it("a hold that cannot reach the home stops the write before D1", async () => {
    const a = await account();
    const t = await createToken(a);
    // The caller authenticates normally; only the homes' write side is down.
    const holdDown = {
      idFromName: (name: string) => env.CREDENTIALS.idFromName(name),
      get: (id: DurableObjectId) => {
        const real = env.CREDENTIALS.get(id);
        return {
          verify: (req: never) => real.verify(req),
          hold: () => Promise.reject(new Error("down")),
          release: () => Promise.reject(new Error("down")),
        };
      },
    };
    const logged = expectLog(/^credential object unreachable \(hold\): down$/);
    const refused = await callWithEnv({ CREDENTIALS: holdDown }, "PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    expect(refused.status).toBe(503);
    expect(logged.lines.length).toBeGreaterThan(0);
    expect(refused.body.errors[0].message).toMatch(/nothing was changed; retry the request/);
    expect((await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result.enabled).toBe(true);
    expect(await tokenStatus(t.client_id, t.client_secret)).toBe(200);
  });
});

it("refuses a removal that would revoke more credentials than one request may reach, and changes nothing", async () => {
  const b = await bootstrap();
  const member = await bootstrap();
  await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
  // 401 keys of the member in b's org, written straight into D1 (as the bench seeds its orgs)
  const now = Date.now();
  await env.DB.prepare(
    `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${MAX_HOMES_PER_WRITE + 1})
     INSERT INTO credentials (id, kind, org_id, principal_id, name, preview, secret_hash, hash_version, created_at, updated_at)
     SELECT printf('01900002-%04x-7000-8000-%012x', abs(random()) % 65536, i), 'api_key', ?, ?, 'bulk-' || i, 'sk-****bulk', randomblob(32), 1, ?, ? FROM seq`,
  )
    .bind(b.org.id, member.user.id, now, now)
    .run();
  const res = await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { remove_users: { ids: [member.user.id] } } });
  expect(res.status).toBe(400);
  expect(res.body.message).toMatch(new RegExp(`at most ${MAX_HOMES_PER_WRITE}`));
  const left = await env.DB.prepare("SELECT count(*) AS n FROM credentials WHERE org_id = ? AND principal_id = ?")
    .bind(b.org.id, member.user.id)
    .first<{ n: number }>();
  expect(left!.n).toBe(MAX_HOMES_PER_WRITE + 1);
});

it("a stranger's delete of my credential's id answers 404 and leaves my credential's home untouched", async () => {
  const mine = await bootstrap();
  const stranger = await bootstrap();
  await cached(keyRef(mine.api_key.id), asKey(mine.api_key.key));
  const before = await homeState(keyRef(mine.api_key.id));
  const res = await call("DELETE", `/v1/api_key/${mine.api_key.id}`, { token: stranger.api_key.key });
  expect(res.status).toBe(404);
  // no hold reached it: the record is still cached, read at the same time as before
  expect(await homeState(keyRef(mine.api_key.id))).toEqual(before);
  expect(await authStatus(mine.api_key.key)).toBe(200);
});
