/** Access service tokens driven by the official `cloudflare` SDK against the Worker on loopback. */
import Cloudflare, { NotFoundError } from "cloudflare";
import { describe, expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";

type Auth = { apiToken: string } | { apiEmail: string; apiKey: string };

const clientFor = (auth: Auth) =>
  new Cloudflare({
    baseURL: `${baseUrl()}/client/v4`,
    maxRetries: 0,
    apiToken: null,
    apiEmail: null,
    apiKey: null,
    userServiceKey: null,
    ...auth,
  });

async function everyMethod(auth: (b: Awaited<ReturnType<typeof bootstrap>>) => Auth) {
  const b = await bootstrap();
  const cf = clientFor(auth(b));
  const account_id = b.org.account_id;
  const tokens = cf.zeroTrust.access.serviceTokens;

  const created = [];
  for (let i = 0; i < 5; i++) created.push(await tokens.create({ account_id, name: `svc-${i}`, duration: "24h" }));
  expect(created[0]!.client_id).toMatch(/^[0-9a-f]{32}\.access$/);
  expect(created[0]!.client_secret).toMatch(/^ekcs_[0-9A-Za-z]{61}$/);

  // auto-pagination: the SDK asks for page+1 until a page comes back empty
  const listed: string[] = [];
  for await (const t of tokens.list({ account_id, per_page: 2 })) listed.push(t.id!);
  expect(listed).toEqual(created.map((t) => t.id));
  const firstPage = await tokens.list({ account_id, per_page: 2 });
  expect(firstPage.result).toHaveLength(2);

  const id = created[0]!.id!;
  expect(await tokens.get(id, { account_id })).toMatchObject({ id, name: "svc-0", duration: "24h", enabled: true });

  const updated = await tokens.update(id, { account_id, name: "renamed", duration: "48h" });
  expect(updated).toMatchObject({ name: "renamed", duration: "48h" });

  const refreshed = await tokens.refresh(id, { account_id });
  expect(Date.parse(refreshed.expires_at!)).toBeGreaterThan(Date.now() + 47 * 3_600_000);

  const grace = new Date(Date.now() + 10 * 60_000).toISOString();
  const rotated = await tokens.rotate(id, { account_id, previous_client_secret_expires_at: grace });
  expect(rotated.client_id).toBe(created[0]!.client_id);
  expect(rotated.client_secret).not.toBe(created[0]!.client_secret);

  const deleted = await tokens.delete(id, { account_id });
  expect(deleted.id).toBe(id);
  const err = await tokens.get(id, { account_id }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NotFoundError);
  expect((err as NotFoundError).errors[0]).toMatchObject({ code: 10006 });
  return { created, rotated };
}

describe("the cloudflare SDK against /client/v4/accounts/{account_id}/access/service_tokens", () => {
  it("runs every method with an API token", async () => {
    await everyMethod((b) => ({ apiToken: b.api_key.key }));
  });

  it("runs every method with apiEmail and apiKey", async () => {
    await everyMethod((b) => ({ apiEmail: b.user.email, apiKey: b.api_key.key }));
  });

  it("gets Cloudflare-shaped errors for bad input and foreign accounts", async () => {
    const b = await bootstrap();
    const other = await bootstrap();
    const cf = clientFor({ apiToken: b.api_key.key });
    const bad = await cf.zeroTrust.access.serviceTokens
      .create({ account_id: b.org.account_id, name: "x", duration: "1y" })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Cloudflare.BadRequestError);
    expect((bad as InstanceType<typeof Cloudflare.BadRequestError>).errors[0]).toMatchObject({ code: 10003 });
    const foreign = await cf.zeroTrust.access.serviceTokens.list({ account_id: other.org.account_id }).catch((e: unknown) => e);
    expect(foreign).toBeInstanceOf(NotFoundError);
    const unauth = await clientFor({ apiToken: "sk-not-a-key" })
      .zeroTrust.access.serviceTokens.list({ account_id: b.org.account_id })
      .catch((e: unknown) => e);
    expect(unauth).toBeInstanceOf(Cloudflare.AuthenticationError);
  });
});
