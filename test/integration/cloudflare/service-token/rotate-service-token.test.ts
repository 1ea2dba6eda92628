/**
 * POST /accounts/{account_id}/access/service_tokens/{service_token_id}/rotate
 * (src/surfaces/cloudflare/service-token/rotate-service-token.ts), with the grace
 * period of the previous secret (which PUT can move).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken, inMinutes, verify } from "../../../helpers/cloudflare";
import { MISSING } from "../../../helpers/http";
import { updateCredentialRow } from "../../../helpers/homes";

describe("POST .../access/service_tokens/{id}/rotate", () => {
  it("rotate without a grace time kills the old secret at once", async () => {
    const a = await account();
    const t = await createToken(a);
    for (const opts of [{}, { body: {} }]) {
      const before = (await cf("GET", `${a.base}/${t.id}`, { token: a.key })).body.result;
      const res = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, ...opts });
      expect(res.status, res.text).toBe(200);
      const r = res.body.result;
      expect(r).toMatchObject({ id: t.id, client_id: t.client_id, client_secret_version: before.client_secret_version + 1 });
      expect(r.client_secret).toMatch(/^ekcs_[0-9A-Za-z]{61}$/);
      expect(await verify(t.client_id, r.client_secret)).toBe("ok");
      expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
      t.client_secret = r.client_secret;
    }
    // the dead secret's hash is not kept
    const row = await env.DB.prepare("SELECT prev_secret_hash AS h FROM credentials WHERE id = ?").bind(t.id).first();
    expect(row).toEqual({ h: null });
  });

  it("rotate with a grace time keeps both secrets until then; PUT moves it later or into the past", async () => {
    const a = await account();
    const t = await createToken(a);
    const until = inMinutes(10);
    const res = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: until } });
    const fresh = res.body.result.client_secret;
    expect(res.body.result.previous_client_secret_expires_at).toBe(until);
    expect(await verify(t.client_id, fresh)).toBe("ok");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    const later = inMinutes(60);
    const moved = await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: later } });
    expect(moved.body.result.previous_client_secret_expires_at).toBe(later);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    // disabled during the grace period: neither secret works; re-enabled: both again
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: false } });
    expect(await verify(t.client_id, t.client_secret)).toBe("disabled");
    expect(await verify(t.client_id, fresh)).toBe("disabled");
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { enabled: true } });
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");

    const past = new Date(Date.now() - 1000).toISOString();
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: past } });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
    expect(await verify(t.client_id, fresh)).toBe("ok");
    // once dead, moving the time later again does not bring the old secret back
    await cf("PUT", `${a.base}/${t.id}`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(30) } });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
  });

  it("refuses the previous secret once its grace time has passed", async () => {
    const a = await account();
    const t = await createToken(a);
    await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: inMinutes(5) } });
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    await updateCredentialRow(t.id, { prev_expires_at: Date.now() - 1 });
    expect(await verify(t.client_id, t.client_secret)).toBe("invalid_secret");
  });

  it("refuses a bad rotate body and unknown tokens", async () => {
    const a = await account();
    const t = await createToken(a);
    const bad = await cf("POST", `${a.base}/${t.id}/rotate`, { token: a.key, body: { previous_client_secret_expires_at: "later" } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].source.pointer).toBe("/previous_client_secret_expires_at");
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    expect((await cf("POST", `${a.base}/${MISSING}/rotate`, { token: a.key, body: {} })).status).toBe(404);
    expect((await cf("POST", `${a.base}/${MISSING}/refresh`, { token: a.key })).status).toBe(404);
  });
});
