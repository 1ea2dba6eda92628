/**
 * DELETE /accounts/{account_id}/access/service_tokens/{service_token_id}
 * (src/surfaces/cloudflare/service-token/delete-service-token.ts).
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken, verify } from "../../../helpers/cloudflare";

describe("DELETE .../access/service_tokens/{id}", () => {
  it("deletes: answers the token, whose secrets stop working at once", async () => {
    const a = await account();
    const t = await createToken(a);
    const res = await cf("DELETE", `${a.base}/${t.id}`, { token: a.key });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ id: t.id, client_id: t.client_id, name: "svc" });
    expect(await verify(t.client_id, t.client_secret)).toBe("unknown");
    expect((await cf("GET", `${a.base}/${t.id}`, { token: a.key })).status).toBe(404);
    expect((await cf("DELETE", `${a.base}/${t.id}`, { token: a.key })).status).toBe(404);
  });
});
