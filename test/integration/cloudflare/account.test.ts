/**
 * `{account_id}` (src/surfaces/cloudflare/account.ts): an account the caller is not
 * in answers exactly as one that does not exist (7003); managing Access service
 * tokens needs an owner's credential (9109).
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { bootstrap, call, MISSING, unique } from "../../helpers/http";

describe("accounts", () => {
  it("answers another account, or a malformed one, exactly like a missing one (7003)", async () => {
    const a = await account();
    const b = await account();
    await createToken(b, { name: "secret-name" });
    for (const accountId of [b.org.account_id, "0".repeat(32), "not-an-account", b.org.id]) {
      for (const [method, suffix] of [
        ["GET", ""],
        ["POST", ""],
        ["GET", `/${MISSING}`],
        ["POST", `/${MISSING}/rotate`],
      ] as const) {
        const res = await cf(method, `/client/v4/accounts/${accountId}/access/service_tokens${suffix}`, {
          token: a.key,
          body: method === "POST" ? { name: "x" } : undefined,
        });
        expect(res.status, `${method} ${accountId}${suffix}`).toBe(404);
        expect(res.body.errors[0].code).toBe(7003);
        expect(res.text).not.toContain("secret-name");
      }
    }
    expect((await cf("GET", b.base, { token: b.key })).body.result).toHaveLength(1);
  });

  it("refuses a member's credential with 403 (9109)", async () => {
    const a = await account();
    const member = await bootstrap({ email: `${unique("m")}@example.com` });
    await call("PATCH", "/v1/organization/members", { token: a.key, body: { invite_users: { emails: [member.user.email] } } });
    const res = await cf("GET", a.base, { token: member.api_key.key });
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatchObject({ code: 9109, message: expect.stringMatching(/owner/) });
    expect((await cf("POST", a.base, { token: member.api_key.key, body: { name: "x" } })).status).toBe(403);
  });
});
