/**
 * The Access organization (`/accounts/{account_id}/access/organizations`):
 * reads for members, merges for owners (POST, PUT, PATCH), the two settings
 * edgekeys enforces validated for type and range, the rest kept as sent,
 * strict mode on and locked for new accounts, off for accounts that existed
 * before, every change audited.
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, auditEvents, expectRefused, memberOf } from "../../../helpers/cloudflare-access";
import { makeLegacy, orgPath } from "../../../helpers/access-organization";

const inactivity = { enabled: true, inactivity_threshold_days: 90, action: "disable" };

describe("the Access organization", () => {
  it("starts strict for a new account, and keeps what PUT, PATCH and POST send, merging", async () => {
    const a = await accessAccount();
    const first = await cf("GET", orgPath(a), { token: a.key });
    expect(first.status, first.text).toBe(200);
    expect(first.body.result).toEqual({ strict_service_token_auth: true });

    const put = await cf("PUT", orgPath(a), {
      token: a.key,
      body: {
        name: "Widget Corp",
        auth_domain: "widget.cloudflareaccess.com",
        session_duration: "24h",
        login_design: { text_color: "#000" },
        service_token_inactivity: inactivity,
        account_id: "ignored",
        future_field: { a: [1] },
      },
    });
    expect(put.status, put.text).toBe(200);
    const expected = {
      strict_service_token_auth: true,
      name: "Widget Corp",
      auth_domain: "widget.cloudflareaccess.com",
      session_duration: "24h",
      login_design: { text_color: "#000" },
      service_token_inactivity: inactivity,
      future_field: { a: [1] },
    };
    expect(put.body.result).toEqual(expected);

    // PATCH one member of service_token_inactivity: the others stay, as do the other fields.
    const patched = await cf("PATCH", orgPath(a), { token: a.key, body: { service_token_inactivity: { enabled: false } } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.result).toEqual({ ...expected, service_token_inactivity: { ...inactivity, enabled: false } });
    expect((await cf("GET", orgPath(a), { token: a.key })).body.result).toEqual(patched.body.result);

    const posted = await cf("POST", orgPath(a), {
      token: a.key,
      body: { name: "Widget Corp Internal", auth_domain: "w.cloudflareaccess.com" },
    });
    expect(posted.status, posted.text).toBe(201);
    expect(posted.body.result).toMatchObject({ name: "Widget Corp Internal", session_duration: "24h", strict_service_token_auth: true });

    const events = (await auditEvents(a)).filter((e) => e.action === "access_organization.update");
    expect(events).toHaveLength(3);
    expect(events[1]).toMatchObject({ target_type: "org", target_id: a.org.id, changes: { service_token_inactivity: { enabled: false } } });
  });

  it("refuses a field of the wrong type or out of range with 400 naming it, changing nothing", async () => {
    const a = await accessAccount();
    const cases: [Record<string, unknown>, string, number?][] = [
      [{ strict_service_token_auth: "yes" }, "/strict_service_token_auth"],
      [
        { service_token_inactivity: { ...inactivity, inactivity_threshold_days: 29 } },
        "/service_token_inactivity/inactivity_threshold_days",
      ],
      [
        { service_token_inactivity: { ...inactivity, inactivity_threshold_days: 366 } },
        "/service_token_inactivity/inactivity_threshold_days",
      ],
      [
        { service_token_inactivity: { ...inactivity, inactivity_threshold_days: 45.5 } },
        "/service_token_inactivity/inactivity_threshold_days",
      ],
      [
        { service_token_inactivity: { ...inactivity, inactivity_threshold_days: "90" } },
        "/service_token_inactivity/inactivity_threshold_days",
      ],
      [{ service_token_inactivity: { ...inactivity, action: "archive" } }, "/service_token_inactivity/action"],
      [{ service_token_inactivity: { ...inactivity, enabled: "true" } }, "/service_token_inactivity/enabled"],
      [{ service_token_inactivity: "on" }, "/service_token_inactivity"],
      [{ service_token_inactivity: { enabled: true } }, "/service_token_inactivity/inactivity_threshold_days"],
      [{ service_token_inactivity: { enabled: true, inactivity_threshold_days: 30 } }, "/service_token_inactivity/action"],
      [{ name: 5 }, "/name"],
      [{ session_duration: "1 day" }, "/session_duration", 10003],
      [{ deny_unmatched_requests_exempted_zone_names: "example.com" }, "/deny_unmatched_requests_exempted_zone_names"],
      [{ is_ui_read_only: 1 }, "/is_ui_read_only"],
      [{ weird: "nul\u0000" }, "/weird"],
    ];
    for (const method of ["PUT", "PATCH"]) {
      for (const [body, pointer, code] of cases) await expectRefused(a, method, orgPath(a), body, pointer, undefined, code);
    }
    expect((await cf("GET", orgPath(a), { token: a.key })).body.result).toEqual({ strict_service_token_auth: true });
    expect((await auditEvents(a)).filter((e) => e.action === "access_organization.update")).toHaveLength(0);
  });

  it("keeps a new account strict: turning strict mode off is a 400 naming the field", async () => {
    const a = await accessAccount();
    const res = await expectRefused(
      a,
      "PATCH",
      orgPath(a),
      { strict_service_token_auth: false },
      "/strict_service_token_auth",
      /cannot be turned off/,
    );
    expect(res.body.errors[0].code).toBe(10001);
    expect((await cf("PATCH", orgPath(a), { token: a.key, body: { strict_service_token_auth: true } })).status).toBe(200);
  });

  it("leaves an account that existed before strict mode non-strict until it turns it on, and lets it turn it off again", async () => {
    const a = await accessAccount();
    await makeLegacy(a);
    expect((await cf("GET", orgPath(a), { token: a.key })).body.result.strict_service_token_auth).toBe(false);
    for (const strict of [true, false, true]) {
      const res = await cf("PATCH", orgPath(a), { token: a.key, body: { strict_service_token_auth: strict } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.result.strict_service_token_auth).toBe(strict);
    }
  });

  it("lets a member read but not change it; another account's answers as a missing account", async () => {
    const a = await accessAccount();
    const member = await memberOf(a);
    expect((await cf("GET", orgPath(a), { token: member })).status).toBe(200);
    for (const method of ["PUT", "PATCH", "POST"]) {
      const res = await cf(method, orgPath(a), { token: member, body: { name: "mine" } });
      expect(res.status, `${method} ${res.text}`).toBe(403);
      expect(res.body.errors[0].code).toBe(9109);
    }
    const stranger = await accessAccount();
    for (const method of ["GET", "PUT", "PATCH", "POST"]) {
      const theirs = await cf(method, orgPath(a), { token: stranger.key, body: method === "GET" ? undefined : { name: "x" } });
      const missing = await cf(method, orgPath({ org: { account_id: "0".repeat(32) } }), {
        token: stranger.key,
        body: method === "GET" ? undefined : { name: "x" },
      });
      expect(theirs.status).toBe(404);
      expect(theirs.body.errors[0].code).toBe(7003);
      expect(theirs.body.errors[0].code).toBe(missing.body.errors[0].code);
    }
    expect((await cf("GET", orgPath(a), { token: a.key })).body.result).toEqual({ strict_service_token_auth: true });
  });
});
