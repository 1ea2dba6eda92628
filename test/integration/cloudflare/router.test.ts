/**
 * The Cloudflare surface around its endpoints (src/surfaces/cloudflare/router.ts):
 * unknown paths and methods answer in the v4 envelope.
 */
import { describe, expect, it } from "vitest";
import { account, cf } from "../../helpers/cloudflare";

describe("the Cloudflare surface", () => {
  it("answers unknown paths and methods in the envelope", async () => {
    const a = await account();
    const path = await cf("GET", `/client/v4/accounts/${a.org.account_id}/nothing`, { token: a.key });
    expect(path.status).toBe(404);
    expect(path.body.errors[0].code).toBe(7000);
    const method = await cf("PATCH", a.base, { token: a.key, body: {} });
    expect(method.status).toBe(405);
    expect(method.body.errors[0].code).toBe(10007);
    expect(method.headers.get("allow")).toContain("POST");
  });
});
