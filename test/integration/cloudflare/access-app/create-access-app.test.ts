/**
 * POST /accounts/{account_id}/access/apps
 * (src/surfaces/cloudflare/access-app/create-access-app.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import {
  accessAccount,
  createApp,
  createPolicy,
  expectRefused,
  host,
  ISO,
  policyBody,
  TOKEN_ID,
  tokenRule,
} from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("POST .../access/apps", () => {
  it("answers 201 with the application: its AUD tag, the domain as default name, 24h sessions, no policies", async () => {
    const a = await accessAccount();
    const domain = host(a);
    const res = await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", domain } });
    expect(res.status).toBe(201);
    const app = res.body.result;
    expect(app).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      aud: expect.stringMatching(/^[0-9a-f]{64}$/),
      name: domain,
      domain,
      type: "self_hosted",
      session_duration: "24h",
      policies: [],
      created_at: expect.stringMatching(ISO),
      updated_at: app.created_at,
    });
    expect((await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result).toEqual(app);
  });

  it("keeps every other field as sent, ignores read-only ones, and creates inline policies in order", async () => {
    const a = await accessAccount();
    const domain = host(a);
    const extra = host(a);
    const body = {
      type: "self_hosted",
      name: "Billing",
      domain: `${domain}/api`,
      destinations: [{ type: "public", uri: `${extra}/v2` }],
      session_duration: "1h",
      app_launcher_visible: false,
      service_auth_401_redirect: true,
      tags: ["billing"],
      cors_headers: { allow_all_origins: true, future_cors_field: 1 },
      future_field: { nested: [1, "two", null] },
      id: MISSING,
      aud: "f".repeat(64),
      created_at: "2014-01-01T05:20:00.12345Z",
      policies: [
        policyBody({ name: "bots", session_duration: "30m", approval_required: false, future: "kept", id: undefined }),
        {
          name: "office",
          decision: "bypass",
          include: [{ ip: { ip: "192.0.2.0/24" } }],
          exclude: [{ ip: { ip: "192.0.2.7" } }],
          created_at: "x",
        },
      ],
    };
    const res = await cf("POST", a.apps, { token: a.key, body });
    expect(res.status, res.text).toBe(201);
    const app = res.body.result;
    const { policies, id, aud, created_at, ...sent } = body;
    expect(app).toMatchObject(sent);
    expect(app.id).not.toBe(MISSING);
    expect(app.aud).not.toBe(aud);
    expect(app.created_at).not.toBe(created_at);
    expect(app.policies).toEqual([
      {
        id: expect.any(String),
        name: "bots",
        decision: "non_identity",
        include: [tokenRule(TOKEN_ID)],
        require: [],
        exclude: [],
        session_duration: "30m",
        approval_required: false,
        future: "kept",
        precedence: 1,
        account_id: a.org.account_id,
        created_at: app.created_at,
        updated_at: app.created_at,
      },
      {
        id: expect.any(String),
        name: "office",
        decision: "bypass",
        include: [{ ip: { ip: "192.0.2.0/24" } }],
        require: [],
        exclude: [{ ip: { ip: "192.0.2.7" } }],
        precedence: 2,
        account_id: a.org.account_id,
        created_at: app.created_at,
        updated_at: app.created_at,
      },
    ]);
    expect((await cf("GET", `${a.apps}/${app.id}`, { token: a.key })).body.result).toEqual(app);
  });

  it("links reusable policies by id or {id, precedence}, marked reusable in the answer", async () => {
    const a = await accessAccount();
    const p1 = await createPolicy(a, { name: "one" });
    const p2 = await createPolicy(a, { name: "two" });
    const app = await createApp(a, { policies: [p1.id, { id: p2.id, precedence: 5 }] });
    // As the application sees them: with their precedence there, without the account-level count.
    const linked = ({ app_count, ...p }: Record<string, unknown>, precedence: number) => ({ ...p, precedence });
    expect(app.policies).toEqual([linked(p1, 1), linked(p2, 5)]);
    expect(app.policies[0]).toMatchObject({ reusable: true });
    const again = await createApp(a, { policies: [{ id: p1.id, account_id: a.org.account_id }] });
    expect(again.policies.map((p) => p.id)).toEqual([p1.id]);
    expect((await cf("GET", `${a.policies}/${p1.id}`, { token: a.key })).body.result.app_count).toBe(2);
  });

  it("refuses what it cannot enforce or store, at the field's pointer, creating nothing", async () => {
    const a = await accessAccount();
    const reusable = await createPolicy(a);
    const app = (more: Record<string, unknown>) => ({ type: "self_hosted", domain: host(a), ...more });
    const inline = (more: Record<string, unknown>) => app({ policies: [policyBody(more)] });
    const cases: [unknown, string, RegExp?, number?][] = [
      [{ domain: host(a) }, "/type", /self_hosted/],
      [app({ type: "saas" }), "/type", /only self_hosted.*"saas"/],
      [app({ type: "bookmark" }), "/type", /self_hosted/],
      [{ type: "self_hosted" }, "/domain"],
      [app({ domain: "" }), "/domain"],
      [app({ domain: "*.example.test" }), "/domain", /wildcards/],
      [app({ domain: "https://x.example.test" }), "/domain", /scheme/],
      [app({ domain: "a\u0000b.test" }), "/domain"],
      [app({ name: "bad\u0000name" }), "/name"],
      [app({ destinations: [{ type: "private", cidr: "10.0.0.0/8" }] }), "/destinations/0/type", /only "public" destinations.*"private"/],
      [
        app({
          destinations: [
            { type: "public", uri: host(a) },
            { type: "public", uri: "x y" },
          ],
        }),
        "/destinations/1/uri",
      ],
      [
        app({ destinations: [{ type: "public", uri: host(a), overrides: [{ behavior: "public", path_pattern: "/x" }] }] }),
        "/destinations/0/overrides",
        /overrides/,
      ],
      [app({ self_hosted_domains: [host(a), "*.x.test"] }), "/self_hosted_domains/1", /wildcards/],
      [app({ session_duration: "forever" }), "/session_duration", /session duration/, 10003],
      [app({ session_duration: "1y" }), "/session_duration", /not a valid duration/, 10003],
      [app({ app_launcher_visible: "yes" }), "/app_launcher_visible"],
      [app({ options_preflight_bypass: true, cors_headers: { allow_all_origins: true } }), "/options_preflight_bypass", /cors_headers/],
      [app({ future_field: "a\ud800b" }), "/future_field", /surrogate/],
      [
        app({ future_field: { deep: JSON.parse("[".repeat(40) + "]".repeat(40)) } }),
        "/future_field/deep/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
        /deeper/,
      ],
      [inline({ decision: "allow" }), "/policies/0/decision", /allow.*user identities/],
      [inline({ decision: "block" }), "/policies/0/decision"],
      [
        inline({ include: [{ email: { email: "a@example.com" } }] }),
        "/policies/0/include/0",
        /"email".*service_token, any_valid_service_token, everyone, ip/,
      ],
      [inline({ include: [tokenRule(TOKEN_ID), { geo: { country_code: "US" } }] }), "/policies/0/include/1", /"geo"/],
      [inline({ include: [{ ip: { ip: "300.1.1.1/8" } }] }), "/policies/0/include/0/ip/ip", /IPv4 or IPv6/],
      [inline({ exclude: [{ service_token: { token_id: "nope" } }] }), "/policies/0/exclude/0/service_token/token_id"],
      [inline({ include: [] }), "/policies/0/include"],
      [inline({ name: undefined }), "/policies/0/name"],
      [app({ policies: [reusable.id, policyBody()] }), "/policies", /cannot be mixed/],
      [app({ policies: ["not-a-uuid"] }), "/policies/0"],
      [app({ policies: [42] }), "/policies/0", /reusable policy's id/],
      [app({ policies: [{ id: MISSING }] }), "/policies/0/id", /no reusable policy/],
      [app({ policies: [{ id: reusable.id, colour: "red" }] }), "/policies/0/name"],
      [app({ policies: [{ id: reusable.id, precedence: 0 }] }), "/policies/0/precedence"],
      [app({ policies: [policyBody({ precedence: 2 }), policyBody({ precedence: 2 })] }), "/policies/1/precedence", /also the precedence/],
      [app({ policies: [policyBody({ id: MISSING })] }), "/policies/0/id", /no policy/],
    ];
    for (const [body, pointer, message, code] of cases) await expectRefused(a, "POST", a.apps, body, pointer, message, code);
    const listed = await cf("GET", a.apps, { token: a.key });
    expect(listed.body.result_info.total_count).toBe(0);
    expect((await cf("GET", `${a.policies}/${reusable.id}`, { token: a.key })).body.result.app_count).toBe(0);
  });

  it("refuses a host and path another application of the account claims (400: retrying cannot fix it)", async () => {
    const a = await accessAccount();
    const domain = host(a);
    await createApp(a, { domain: `${domain}/admin` });
    for (const body of [
      { domain: `${domain.toUpperCase()}/Admin/` },
      { domain: host(a), destinations: [{ type: "public", uri: `${domain}//admin` }] },
    ]) {
      const res = await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors[0].message).toContain(`${domain}/admin is already claimed by another Access application`);
    }
    // Another path of the host, or the whole host, is another route.
    await createApp(a, { domain: `${domain}/other` });
    await createApp(a, { domain });
    expect((await cf("GET", a.apps, { token: a.key })).body.result_info.total_count).toBe(3);
  });

  it("puts applications only on hosts the operator gave the account: another account's host answers as a host given to nobody", async () => {
    const a = await accessAccount();
    const b = await accessAccount();
    const domain = host(a);
    await createApp(a, { domain: `${domain}/admin` });
    const nobodys = `${domain.split(".")[0]}-nobody.example.test`;
    const refusal = (name: string) =>
      `${name} is not a host of this account: the operator of this edgekeys assigns hosts to accounts (ORIGINS' account_id, or GATEWAY_ACCOUNT_ID with ORIGIN_URL)`;
    for (const [path, body] of [
      ["/domain", { domain: `${domain}/admin` }],
      ["/domain", { domain: `${domain}/other` }],
      ["/domain", { domain: `${domain.toUpperCase()}.` }],
      ["/destinations/0/uri", { domain: host(b), destinations: [{ type: "public", uri: `${domain}/admin/x` }] }],
      ["/self_hosted_domains/1", { domain: host(b), self_hosted_domains: [host(b), domain] }],
    ] as const) {
      const theirs = await cf("POST", b.apps, { token: b.key, body: { type: "self_hosted", ...body } });
      const none = await cf("POST", b.apps, {
        token: b.key,
        body: JSON.parse(
          JSON.stringify({ type: "self_hosted", ...body })
            .replaceAll(domain.toUpperCase(), nobodys)
            .replaceAll(domain, nobodys),
        ),
      });
      expect(theirs.status, JSON.stringify(body)).toBe(400);
      expect(theirs.body.errors[0]).toMatchObject({
        code: 10001,
        source: { pointer: path },
        message: expect.stringContaining(refusal(domain)),
      });
      expect(theirs.text.replaceAll(domain, nobodys)).toBe(none.text);
    }
    // Moving b's own application onto a's host is refused the same way.
    const own = await createApp(b, { domain: host(b) });
    const moved = await cf("PUT", `${b.apps}/${own.id}`, { token: b.key, body: { type: "self_hosted", domain: `${domain}/admin/x` } });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].message).toContain(refusal(domain));
    expect((await cf("GET", b.apps, { token: b.key })).body.result_info.total_count).toBe(1);
    // A port never names another host: it is refused as a port.
    const port = await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", domain: `${domain}:8443/admin` } });
    expect(port.status).toBe(400);
    expect(port.body.errors[0]).toMatchObject({ source: { pointer: "/domain" }, message: expect.stringMatching(/must not have a port/) });
  });
});
