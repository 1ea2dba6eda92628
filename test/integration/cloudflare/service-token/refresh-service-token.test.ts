/**
 * POST /accounts/{account_id}/access/service_tokens/{service_token_id}/refresh
 * (src/surfaces/cloudflare/service-token/refresh-service-token.ts). Its 404 for an
 * unknown token is pinned in rotate-service-token.test.ts; refresh racing updates
 * in update-service-token.test.ts.
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken, HOUR, verify } from "../../../helpers/cloudflare";
import { updateCredentialRow } from "../../../helpers/homes";

describe("POST .../access/service_tokens/{id}/refresh", () => {
  it("refresh extends expires_at by the duration from now and keeps the secret", async () => {
    const a = await account();
    const t = await createToken(a, { duration: "2h" });
    await updateCredentialRow(t.id, { expires_at: Date.now() - 1 });
    expect(await verify(t.client_id, t.client_secret)).toBe("expired");
    const res = await cf("POST", `${a.base}/${t.id}/refresh`, { token: a.key });
    expect(res.status, res.text).toBe(200);
    const r = res.body.result;
    expect(r.client_secret).toBeUndefined();
    expect(Date.parse(r.expires_at) - Date.parse(r.updated_at)).toBe(2 * HOUR);
    expect(Date.parse(r.expires_at)).toBeGreaterThan(Date.now() + HOUR);
    expect(await verify(t.client_id, t.client_secret)).toBe("ok");
    const forever = await createToken(a, { duration: "forever" });
    const stays = await cf("POST", `${a.base}/${forever.id}/refresh`, { token: a.key });
    expect(stays.body.result).not.toHaveProperty("expires_at");
  });
});
