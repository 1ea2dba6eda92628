/**
 * Single-header auth: an application's `read_service_tokens_from_header` lets
 * the gateway take the token as JSON in that one header (for SaaS tools that
 * can send only one). The header never reaches the origin; a malformed value
 * is a 401 with a message, counted as a failed guess, never a 500.
 */
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { anyToken, appsBase, createApp, everyone, newHost, policy, verifyForApp, viaGateway } from "../../helpers/gateway-apps";

type Token = { client_id: string; client_secret: string };
const json = (t: Token) => JSON.stringify({ "cf-access-client-id": t.client_id, "cf-access-client-secret": t.client_secret });
const budgetLeft = (res: { headers: Headers }) => Number(/"auth-failures";r=(\d+)/.exec(res.headers.get("ratelimit") ?? "")?.[1] ?? NaN);

describe("single-header auth", () => {
  it("takes the token from the application's header (Authorization included), strips it before the origin, and only on that application", async () => {
    const a = await account();
    const t = await createToken(a);
    const [saas, plain] = [newHost(a), newHost(a)];
    const app = await createApp(a, saas, [policy("non_identity", [anyToken])], { read_service_tokens_from_header: "Authorization" });
    await createApp(a, plain, [policy("non_identity", [anyToken])]);
    expect(app).toMatchObject({ read_service_tokens_from_header: "Authorization" });
    expect((await cf("GET", `${appsBase(a.org.account_id)}/${app.id}`, { token: a.key })).body.result.read_service_tokens_from_header).toBe(
      "Authorization",
    );

    const res = await viaGateway([saas, plain], "GET", `${saas}/reports`, { headers: { Authorization: json(t) } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.headers.authorization).toBeUndefined();
    expect(res.body.headers["cf-access-client-id"]).toBe(t.client_id);
    await verifyForApp(res.body.headers["cf-access-jwt-assertion"], app.aud);
    // An application that names no header does not read one.
    expect((await viaGateway([saas, plain], "GET", `${plain}/x`, { headers: { Authorization: json(t) } })).status).toBe(401);
    // Bearer keys still reach the decision on the Authorization-reading application (and an API key is no service token: 403).
    expect((await viaGateway([saas, plain], "GET", `${saas}/x`, { token: a.key })).status).toBe(403);
  });

  it("strips a custom header on every path, Bypass included, and changes through update", async () => {
    const a = await account();
    const t = await createToken(a);
    const h = newHost(a);
    const app = await createApp(a, h, [policy("bypass", [everyone])], { read_service_tokens_from_header: "X-Saas-Token" });
    const open = await viaGateway([h], "GET", `${h}/x`, { headers: { "X-Saas-Token": json(t), "X-Other": "kept" } });
    expect(open.status).toBe(200);
    expect(open.body.headers["x-saas-token"]).toBeUndefined();
    expect(open.body.headers["x-other"]).toBe("kept");
    // The SDK's update sends the field with the rest of the application.
    const updated = await cf("PUT", `${appsBase(a.org.account_id)}/${app.id}`, {
      token: a.key,
      body: {
        type: "self_hosted",
        domain: h,
        read_service_tokens_from_header: "X-Other-Token",
        policies: [policy("non_identity", [anyToken])],
      },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.result.read_service_tokens_from_header).toBe("X-Other-Token");
    const via = await viaGateway([h], "GET", `${h}/x`, { headers: { "X-Other-Token": json(t) } });
    expect(via.status, via.text).toBe(200);
    expect(via.body.headers["x-other-token"]).toBeUndefined();
  });

  it("answers malformed values with 401 and a message, each costing the address a failure, never a 500", async () => {
    const a = await account();
    const t = await createToken(a);
    const h = newHost(a);
    await createApp(a, h, [policy("non_identity", [anyToken])], { read_service_tokens_from_header: "X-Saas-Token" });
    const id = JSON.stringify(t.client_id);
    const secret = JSON.stringify(t.client_secret);
    const cases: [string, RegExp][] = [
      ["not json", /X-Saas-Token must be JSON .* one object of two strings/],
      ["[]", /one object of two strings/],
      ["{}", /"cf-access-client-id" is missing/],
      [`{"cf-access-client-id": ${id}}`, /"cf-access-client-secret" is missing/],
      [`{"cf-access-client-secret": ${secret}}`, /"cf-access-client-id" is missing/],
      [
        `{"cf-access-client-id": ${id}, "cf-access-client-secret": ${secret}, "cf-access-client-secret": "ekcs_other"}`,
        /each once: "cf-access-client-secret" is given twice/,
      ],
      [
        `{"cf-access-client-id": ${id}, "cf-access-client-secret": ${secret}, "cf-access-client-secret-2": "x"}`,
        /only: "cf-access-client-secret-2" is not one of them/,
      ],
      [`{"cf-access-client-id": ${id}, "cf-access-client-secret": [${secret}]}`, /one object of two strings/],
      [`{"cf-access-client-id": 5, "cf-access-client-secret": ${secret}}`, /one object of two strings/],
      [`${json(t)}, ${json(t)}`, /one object of two strings/],
      [`{"cf-access-client-id": ${id}, "cf-access-client-secret": "wrong"}`, /Malformed service token/],
      ['"\\ud800"', /one object of two strings/],
    ];
    let left = Infinity;
    const ip = "203.0.113.77";
    for (const [value, message] of cases) {
      const res = await viaGateway([h], "GET", `${h}/x`, { headers: { "X-Saas-Token": value, "CF-Connecting-IP": ip } });
      expect(res.status, `${value} → ${res.text}`).toBe(401);
      expect(res.body.message, value).toMatch(message);
      expect(budgetLeft(res), value).toBeLessThan(left);
      left = budgetLeft(res);
    }
    expect(left).toBe(20 - cases.length);
  });

  it("refuses a header name that is not one, or one of Access's own, with 400 naming the field", async () => {
    const a = await account();
    for (const name of ["Bad Header", "X:Y", "CF-Access-Client-Secret", "cf_access_jwt_assertion", ""]) {
      const res = await cf("POST", appsBase(a.org.account_id), {
        token: a.key,
        body: { type: "self_hosted", domain: newHost(a), read_service_tokens_from_header: name },
      });
      expect(res.status, name).toBe(400);
      expect(res.body.errors[0].source).toEqual({ pointer: "/read_service_tokens_from_header" });
    }
  });
});
