import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
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
