/**
 * GET /accounts/{account_id}/access/apps/{app_id}
 * (src/surfaces/cloudflare/access-app/get-access-app.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, createApp, createPolicy } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("GET .../access/apps/{app_id}", () => {
  it("answers the application with its policies in ascending precedence", async () => {
    const a = await accessAccount();
    const p1 = await createPolicy(a, { name: "late" });
    const p2 = await createPolicy(a, { name: "early" });
    const app = await createApp(a, {
      policies: [
        { id: p1.id, precedence: 9 },
        { id: p2.id, precedence: 3 },
      ],
    });
    const res = await cf("GET", `${a.apps}/${app.id}`, { token: a.key });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual(app);
    expect(res.body.result.policies.map((p: { name: string; precedence: number }) => [p.name, p.precedence])).toEqual([
      ["early", 3],
      ["late", 9],
    ]);
  });

  it("answers 404 for an unknown id and 400 (10004) for a malformed one", async () => {
    const a = await accessAccount();
    const missing = await cf("GET", `${a.apps}/${MISSING}`, { token: a.key });
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]).toMatchObject({ code: 10006, message: expect.stringContaining(MISSING) });
    const bad = await cf("GET", `${a.apps}/not-a-uuid`, { token: a.key });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ code: 10004, source: { pointer: "/app_id" } });
  });
});
