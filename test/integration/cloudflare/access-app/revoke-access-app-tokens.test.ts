/**
 * POST /accounts/{account_id}/access/apps/{app_id}/revoke_tokens
 * (src/surfaces/cloudflare/access-app/revoke-access-app-tokens.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, auditEvents, createApp } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("POST .../access/apps/{app_id}/revoke_tokens", () => {
  it("answers 202 with an empty result, records it and changes nothing else", async () => {
    const a = await accessAccount();
    const app = await createApp(a);
    const res = await cf("POST", `${a.apps}/${app.id}/revoke_tokens`, { token: a.key });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, errors: [], messages: [], result: null });
    expect((await auditEvents(a)).at(-1)).toMatchObject({
      action: "access_app.revoke_tokens",
      target_type: "access_app",
      target_id: app.id,
    });
    expect((await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result).toEqual(app);
  });

  it("answers 404 for an unknown application, recording nothing", async () => {
    const a = await accessAccount();
    const before = (await auditEvents(a)).length;
    expect((await cf("POST", `${a.apps}/${MISSING}/revoke_tokens`, { token: a.key })).status).toBe(404);
    expect(await auditEvents(a)).toHaveLength(before);
  });
});
