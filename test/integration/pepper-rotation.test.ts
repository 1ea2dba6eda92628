import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { configOf } from "../../src/config";
import { SecretHasher } from "../../src/core/credentials/hashing";
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

it("never undoes a rotation that lands between a verification and its deferred re-hash", async () => {
  const a = await account();
  const t = await createToken(a);
  const repo = new D1Repository(env.DB);
  // 1. a verification on the new pepper proves the secret against the stored hash...
  const verified = (await repo.findAccessToken(t.client_id))!;
  const upgraded = await new SecretHasher(configOf(rotated as never).peppers()).hash(t.client_secret);
  // 2. ...meanwhile an isolate still on the old pepper rotates the token...
  const rotation = await callWithEnv({ TOKEN_PEPPER: OLD, TOKEN_PEPPER_VERSION: "1" }, "POST", `${a.base}/${t.id}/rotate`, {
    token: a.key,
  });
  expect(rotation.status, rotation.text).toBe(200);
  const fresh = rotation.body.result.client_secret as string;
  // 3. ...and the late re-hash lands: it must not bring the rotated-away secret back
  await repo.upgradeHash(t.id, "current", { hash: verified.secretHash, version: verified.hashVersion }, upgraded);
  const status = async (secret: string) =>
    (await callWithEnv(rotated, "GET", IDENTITY, { headers: clientHeaders(t.client_id, secret) })).status;
  expect(await status(t.client_secret)).toBe(401);
  expect(await status(fresh)).toBe(200);
});

it("re-hashes a grace-period previous secret too, so dropping the old pepper does not cut its grace short", async () => {
  const a = await account();
  const t = await createToken(a);
  const grace = new Date(Date.now() + 10 * 60_000).toISOString();
  const rotation = await callWithEnv({}, "POST", `${a.base}/${t.id}/rotate`, {
    token: a.key,
    body: { previous_client_secret_expires_at: grace },
  });
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
