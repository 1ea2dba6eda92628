import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { AccessTokenService } from "../../src/core/access-tokens";
import { AuditContext } from "../../src/core/audit";
import { peppersFromEnv, SecretHasher } from "../../src/core/hashing";
import { D1Repository } from "../../src/db/d1-repository";
import { account, createToken } from "../helpers/cloudflare";
import { callWithEnv } from "../helpers/http";
import { clientHeaders, IDENTITY } from "../helpers/service-auth";

const OLD = env.TOKEN_PEPPER!;
const NEW = "a-brand-new-pepper-0123456789";
const rotated = { TOKEN_PEPPER: NEW, TOKEN_PEPPER_VERSION: "2", TOKEN_PEPPER_PREVIOUS: OLD };

const hashVersion = async (id: string) =>
  (await env.DB.prepare("SELECT hash_version AS v FROM credentials WHERE id = ?").bind(id).first<{ v: number }>())!.v;

it("keeps credentials working across a pepper rotation and re-hashes each on its next use", async () => {
  const a = await account();
  const t = await createToken(a);
  const idle = await createToken(a);
  expect([await hashVersion(a.api_key.id), await hashVersion(t.id)]).toEqual([1, 1]);

  // after the rotation, both still authenticate, and their hashes move to the new pepper
  expect((await callWithEnv(rotated, "GET", "/v1/api_key", { token: a.key })).status).toBe(200);
  expect((await callWithEnv(rotated, "GET", IDENTITY, { headers: clientHeaders(t.client_id, t.client_secret) })).status).toBe(200);
  expect([await hashVersion(a.api_key.id), await hashVersion(t.id)]).toEqual([2, 2]);

  // so the previous pepper can be dropped: only the new one is configured now
  const onlyNew = { TOKEN_PEPPER: NEW, TOKEN_PEPPER_VERSION: "2" };
  expect((await callWithEnv(onlyNew, "GET", "/v1/api_key", { token: a.key })).status).toBe(200);
  expect((await callWithEnv(onlyNew, "GET", IDENTITY, { headers: clientHeaders(t.client_id, t.client_secret) })).status).toBe(200);
  // and a credential never used since the rotation was not upgraded: dropping the old pepper locks it out
  expect((await callWithEnv(onlyNew, "GET", IDENTITY, { headers: clientHeaders(idle.client_id, idle.client_secret) })).status).toBe(401);
});

/** A real D1 repository whose hash upgrades wait until the test opens the gate. */
class GatedRepository extends D1Repository {
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  override async upgradeHash(...args: Parameters<D1Repository["upgradeHash"]>) {
    await this.gate;
    return super.upgradeHash(...args);
  }
}

it("never undoes a rotation that lands between a verification and its deferred re-hash", async () => {
  const a = await account();
  const t = await createToken(a);
  const repo = new GatedRepository(env.DB);
  const deferred: Promise<unknown>[] = [];
  const tokens = new AccessTokenService(repo, new SecretHasher(peppersFromEnv(rotated), (w) => deferred.push(w)), new AuditContext());
  // 1. an isolate on the new pepper verifies the secret; its re-hash waits
  await tokens.verify(t.client_id, t.client_secret);
  expect(deferred).toHaveLength(1);
  // 2. meanwhile an isolate still on the old pepper rotates the token
  const rotation = await callWithEnv({ TOKEN_PEPPER: OLD, TOKEN_PEPPER_VERSION: "1" }, "POST", `${a.base}/${t.id}/rotate`, { token: a.key });
  expect(rotation.status, rotation.text).toBe(200);
  const fresh = rotation.body.result.client_secret as string;
  // 3. the late re-hash lands, and must not bring the rotated-away secret back
  repo.open();
  await Promise.all(deferred);
  const status = async (secret: string) => (await callWithEnv(rotated, "GET", IDENTITY, { headers: clientHeaders(t.client_id, secret) })).status;
  expect(await status(t.client_secret)).toBe(401);
  expect(await status(fresh)).toBe(200);
});

it("re-hashes a grace-period previous secret too, so dropping the old pepper does not cut its grace short", async () => {
  const a = await account();
  const t = await createToken(a);
  const grace = new Date(Date.now() + 10 * 60_000).toISOString();
  const rotation = await callWithEnv({}, "POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: grace } });
  expect(rotation.status, rotation.text).toBe(200);
  const fresh = rotation.body.result.client_secret as string;
  for (const secret of [t.client_secret, fresh]) {
    expect((await callWithEnv(rotated, "GET", IDENTITY, { headers: clientHeaders(t.client_id, secret) })).status).toBe(200);
  }
  const row = await env.DB.prepare("SELECT hash_version AS v, prev_hash_version AS pv FROM credentials WHERE id = ?").bind(t.id).first();
  expect(row).toEqual({ v: 2, pv: 2 });
  const onlyNew = { TOKEN_PEPPER: NEW, TOKEN_PEPPER_VERSION: "2" };
  for (const secret of [t.client_secret, fresh]) {
    expect((await callWithEnv(onlyNew, "GET", IDENTITY, { headers: clientHeaders(t.client_id, secret) })).status).toBe(200);
  }
});
