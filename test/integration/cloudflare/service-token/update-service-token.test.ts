/**
 * PUT /accounts/{account_id}/access/service_tokens/{service_token_id}
 * (src/surfaces/cloudflare/service-token/update-service-token.ts). Moving the grace
 * time of a rotated secret is in rotate-service-token.test.ts.
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken, HOUR, inMinutes, verify } from "../../../helpers/cloudflare";
import { MISSING } from "../../../helpers/http";

describe("PUT .../access/service_tokens/{id}", () => {
  it("updates fields; a new duration counts from the update", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1h" });
    const res = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { name: "renamed", duration: "3h" } });
    expect(res.status, res.text).toBe(200);
    const u = res.body.result;
    expect(u).toMatchObject({ id: t.id, client_id: t.client_id, name: "renamed", duration: "3h", client_secret_version: 1 });
    expect(u.client_secret).toBeUndefined();
    expect(Date.parse(u.expires_at) - Date.parse(u.updated_at)).toBe(3 * HOUR);
    expect(Date.parse(u.updated_at)).toBeGreaterThanOrEqual(Date.parse(t.updated_at as string));
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const forever = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { duration: "forever" } });
    expect(forever.body.result).not.toHaveProperty("expires_at");
    const empty = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: {} });
    expect(empty.body.result.name).toBe("renamed");
  });

  it("disables and re-enables", async () => {
    const a = await account();
    const t = await createToken(a);
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    expect(await verify(t.client_id, t.client_secret)).toBe("disabled");
    const back = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: true } });
    expect(back.body.result.enabled).toBe(true);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
  });

  it("refuses bad update input", async () => {
    const a = await account();
    const t = await createToken(a, { client_secret_version: 2 });
    const cases: [unknown, number][] = [
      [{ duration: "-5h" }, 10003],
      [{ duration: "1d" }, 10003],
      [{ name: 3 }, 10001],
      [{ enabled: "false" }, 10001],
      [{ client_secret_version: 1 }, 10001], // may only go up
      [{ previous_client_secret_expires_at: 12 }, 10001],
    ];
    for (const [body, code] of cases) {
      const res = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].code, JSON.stringify(body)).toBe(code);
    }
    expect((await cf("PUT", `${a.base}/${MISSING}`, { token: a.key, body: { name: "x" } })).status).toBe(404);
    const unchanged = await cf("GET", `${a.base}/${t.id}`, { token: a.key });
    expect(unchanged.body.result).toMatchObject({ name: "svc", client_secret_version: 2, duration: "8760h" });
  });

  it("raising client_secret_version with PUT rotates and returns the new secret", async () => {
    const a = await account();
    const t = await createToken(a);
    const res = await cf("PUT", `${a.base}/${t.id}`, {
      token: a.key,
      body: { client_secret_version: 5, previous_client_secret_expires_at: inMinutes(5) },
    });
    expect(res.body.result).toMatchObject({ client_secret_version: 5, client_secret: expect.stringMatching(/^ekcs_[0-9A-Za-z]{61}$/) });
    expect(await verify(t.client_id, res.body.result.client_secret)).toBe("ok");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok"); // in its grace period
    const same = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { client_secret_version: 5 } });
    expect(same.body.result.client_secret).toBeUndefined();
    const noGrace = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { client_secret_version: 6 } });
    expect(await verify(t.client_id, res.body.result.client_secret)).toBe("invalid_secret");
    expect(await verify(t.client_id, noGrace.body.result.client_secret)).toBe("ok");
  });

  it("loses no concurrent update", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "1h" });
    const [renamed, refreshed, disabled] = await Promise.all([
      cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { name: "n2" } }),
      cf("POST", `${a.base}/${t.id}/refresh`, { token: a.key }),
      cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } }),
    ]);
    expect([renamed.status, refreshed.status, disabled.status]).toEqual([200, 200, 200]);
    const final = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
    expect(final).toMatchObject({ name: "n2", enabled: false });
  });
});
