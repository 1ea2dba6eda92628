/**
 * POST /accounts/{account_id}/access/policies
 * (src/surfaces/cloudflare/access-policy/create-access-policy.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, expectRefused, ISO, policyBody, TOKEN_ID, tokenRule } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("POST .../access/policies", () => {
  it("answers 201 with the reusable policy: empty require/exclude, app_count 0, the account", async () => {
    const a = await accessAccount();
    const res = await cf("POST", a.policies, { token: a.key, body: policyBody() });
    expect(res.status).toBe(201);
    const p = res.body.result;
    expect(p).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "deploy bots",
      decision: "non_identity",
      include: [tokenRule(TOKEN_ID)],
      require: [],
      exclude: [],
      reusable: true,
      app_count: 0,
      account_id: a.org.account_id,
      created_at: expect.stringMatching(ISO),
      updated_at: p.created_at,
    });
    expect((await cf("GET", `${a.policies}/${p.id}`, { token: a.key })).body.result).toEqual(p);
  });

  it("takes every rule kind edgekeys enforces, keeps other fields as sent and ignores read-only ones", async () => {
    const a = await accessAccount();
    const body = {
      name: "office or bots",
      decision: "bypass",
      include: [{ everyone: {} }],
      require: [{ ip: { ip: "2001:db8::/32" } }, { any_valid_service_token: {} }],
      exclude: [{ ip: { ip: "192.0.2.1" } }, tokenRule(TOKEN_ID)],
      session_duration: "30m",
      approval_required: false,
      approval_groups: [{ approvals_needed: 1, email_addresses: ["a@example.com"] }],
      purpose_justification_prompt: "why?",
      mfa_config: { allowed_authenticators: ["totp"], mfa_disabled: false },
      connection_rules: { rdp: { allowed_clipboard_local_to_remote_formats: ["text"] } },
      future_field: [{ a: 1 }],
    };
    const res = await cf("POST", a.policies, {
      token: a.key,
      body: {
        ...body,
        id: MISSING,
        reusable: false,
        app_count: 7,
        account_id: "f".repeat(32),
        precedence: 3,
        created_at: "2014-01-01T05:20:00Z",
      },
    });
    expect(res.status, res.text).toBe(201);
    const { id, created_at, updated_at, ...rest } = res.body.result;
    expect(rest).toEqual({ ...body, reusable: true, app_count: 0, account_id: a.org.account_id });
    expect(id).not.toBe(MISSING);
    expect(created_at).not.toBe("2014-01-01T05:20:00Z");
  });

  it("refuses allow, unsupported rule kinds, bad rules and fields at their pointer, creating nothing", async () => {
    const a = await accessAccount();
    const cases: [unknown, string, RegExp?, number?][] = [
      [policyBody({ decision: "allow" }), "/decision", /"allow" decision needs user identities/],
      [policyBody({ decision: "Allow" }), "/decision", /non_identity/],
      [policyBody({ decision: undefined }), "/decision"],
      [policyBody({ name: undefined }), "/name"],
      [policyBody({ name: "" }), "/name"],
      [policyBody({ name: "a\u0000b" }), "/name"],
      [policyBody({ include: undefined }), "/include"],
      [policyBody({ include: [] }), "/include"],
      [policyBody({ include: "everyone" }), "/include"],
      [
        policyBody({ include: [{ email: { email: "a@example.com" } }] }),
        "/include/0",
        /unsupported rule kind "email".*service_token, any_valid_service_token, everyone, ip/,
      ],
      [policyBody({ require: [{ everyone: {} }, { group: { id: "x" } }] }), "/require/1", /"group"/],
      [policyBody({ exclude: [{ email_domain: { domain: "example.com" } }] }), "/exclude/0", /"email_domain"/],
      [policyBody({ include: [{}] }), "/include/0", /exactly one key/],
      [policyBody({ include: [{ everyone: {}, ip: { ip: "192.0.2.1" } }] }), "/include/0", /exactly one key/],
      [policyBody({ include: ["everyone"] }), "/include/0"],
      [policyBody({ include: [{ everyone: { x: 1 } }] }), "/include/0/everyone"],
      [policyBody({ include: [{ ip: { ip: "192.0.2.0/33" } }] }), "/include/0/ip/ip", /IPv4 or IPv6/],
      [policyBody({ include: [{ ip: { ip: "example.com" } }] }), "/include/0/ip/ip"],
      [policyBody({ include: [{ ip: {} }] }), "/include/0/ip/ip"],
      [policyBody({ include: [{ service_token: { token_id: "abc" } }] }), "/include/0/service_token/token_id"],
      [policyBody({ include: [{ service_token: {} }] }), "/include/0/service_token/token_id"],
      [policyBody({ session_duration: "1y" }), "/session_duration", /not a valid duration/, 10003],
      [policyBody({ approval_required: "no" }), "/approval_required"],
      [policyBody({ approval_groups: [{ approvals_needed: -1 }] }), "/approval_groups/0/approvals_needed"],
      [policyBody({ future_field: "\ud800" }), "/future_field"],
      [policyBody({ future_field: { "a\u0000": 1 } }), "/future_field"],
    ];
    for (const [body, pointer, message, code] of cases) await expectRefused(a, "POST", a.policies, body, pointer, message, code);
    expect((await cf("GET", a.policies, { token: a.key })).body.result).toEqual([]);
  });
});
