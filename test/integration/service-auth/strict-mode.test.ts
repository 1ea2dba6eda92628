/**
 * Strict service-token auth on every door that takes CF-Access-Client-Id/-Secret
 * (get-identity, the gateway, RPC): duplicate and incomplete headers are refused
 * with their own message and cost the address a failure; a request with the
 * pair and an application's (or SERVICE_AUTH_HEADER's) JSON header is refused
 * in a strict account and decided on the pair in one that is not yet strict;
 * turning strict mode on is felt by the next request; no cookie is read or set.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { makeLegacy, orgPath } from "../../helpers/access-organization";
import { anyToken, createApp, newHost, policy, viaGateway } from "../../helpers/gateway-apps";
import { clientHeaders, identity } from "../../helpers/service-auth";

type Token = { client_id: string; client_secret: string };
const json = (t: Token) => JSON.stringify({ "cf-access-client-id": t.client_id, "cf-access-client-secret": t.client_secret });
/** The failures left to an address, from the RateLimit header of a refusal. */
const budgetLeft = (res: { headers: Headers }) => Number(/"auth-failures";r=(\d+)/.exec(res.headers.get("ratelimit") ?? "")?.[1] ?? NaN);
let lastOctet = 10;
const freshIp = () => `198.51.100.${lastOctet++}`;

/** The malformed ways to send a token, each with the message it is refused with. */
const refusals = (t: Token, other: Token): [string, Record<string, string>, RegExp][] => [
  [
    "two client ids",
    { "CF-Access-Client-Id": `${t.client_id}, ${other.client_id}`, "CF-Access-Client-Secret": t.client_secret },
    /CF-Access-Client-Id was sent more than once/,
  ],
  [
    "two secrets",
    { "CF-Access-Client-Id": t.client_id, "CF-Access-Client-Secret": `${t.client_secret}, ${other.client_secret}` },
    /CF-Access-Client-Secret was sent more than once/,
  ],
  ["an id without a secret", { "CF-Access-Client-Id": t.client_id }, /CF-Access-Client-Id was sent without CF-Access-Client-Secret/],
  [
    "a secret without an id",
    { "CF-Access-Client-Secret": t.client_secret },
    /CF-Access-Client-Secret was sent without CF-Access-Client-Id/,
  ],
];

describe("strict service-token auth", () => {
  it("refuses duplicate and incomplete headers at get-identity, the gateway and RPC, each with its message, each costing a failure", async () => {
    const a = await account();
    const [t, other] = [await createToken(a), await createToken(a)];
    const h = newHost(a);
    await createApp(a, h, [policy("non_identity", [anyToken])]);
    for (const [what, headers, message] of refusals(t, other)) {
      const ip = freshIp();
      const doors = [
        await identity({ ...headers, "CF-Connecting-IP": ip }),
        await viaGateway([h], "GET", `${h}/x`, { headers: { ...headers, "CF-Connecting-IP": ip } }),
      ];
      let left = Infinity;
      for (const res of doors) {
        expect(res.status, `${what}: ${res.text}`).toBe(401);
        expect(res.body.message, what).toMatch(message);
        expect(res.headers.get("x-origin"), what).toBeNull();
        // Every refusal took one of the address's failures.
        expect(budgetLeft(res), what).toBeLessThan(left);
        left = budgetLeft(res);
      }
      const rpc = await exports.AuthService.verify(Object.entries(headers), { ip });
      expect(rpc, what).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(message) });
    }
    // True repeated header lines arrive joined; RPC takes them as pairs.
    const twice = await exports.AuthService.verify([
      ["CF-Access-Client-Id", t.client_id],
      ["CF-Access-Client-Id", t.client_id],
      ["CF-Access-Client-Secret", t.client_secret],
    ]);
    expect(twice).toMatchObject({ ok: false, status: 401, message: expect.stringMatching(/sent more than once/) });
    // The well-formed pair still passes everywhere.
    expect((await identity(clientHeaders(t.client_id, t.client_secret))).status).toBe(200);
    expect((await viaGateway([h], "GET", `${h}/x`, { headers: clientHeaders(t.client_id, t.client_secret) })).status).toBe(200);
  });

  it("refuses the pair sent with the application's header in a strict account; takes the pair where strict mode is off; turning it on is felt by the next request", async () => {
    const a = await account();
    const [t, other] = [await createToken(a), await createToken(a)];
    const h = newHost(a);
    await createApp(a, h, [policy("non_identity", [anyToken])], { read_service_tokens_from_header: "X-Saas-Token" });
    const both = { ...clientHeaders(t.client_id, t.client_secret), "X-Saas-Token": json(other) };

    const ip = freshIp();
    const strict = await viaGateway([h], "GET", `${h}/x`, { headers: { ...both, "CF-Connecting-IP": ip } });
    expect(strict.status, strict.text).toBe(401);
    expect(strict.body.message).toMatch(/both in CF-Access-Client-Id\/CF-Access-Client-Secret and in X-Saas-Token/);
    expect(budgetLeft(strict)).toBeLessThan(20);
    expect(strict.headers.get("x-origin")).toBeNull();

    await makeLegacy(a);
    const lenient = await viaGateway([h], "GET", `${h}/x`, { headers: both });
    expect(lenient.status, lenient.text).toBe(200);
    expect(lenient.body.headers["cf-access-client-id"]).toBe(t.client_id); // the pair decided
    expect(lenient.body.headers["x-saas-token"]).toBeUndefined();

    expect((await cf("PATCH", orgPath(a), { token: a.key, body: { strict_service_token_auth: true } })).status).toBe(200);
    expect((await viaGateway([h], "GET", `${h}/x`, { headers: both })).status).toBe(401);
  });

  it("applies the same to SERVICE_AUTH_HEADER at get-identity and RPC", async () => {
    const a = await account();
    const t = await createToken(a);
    const on = { SERVICE_AUTH_HEADER: "X-Service-Auth" };
    const both = { ...clientHeaders(t.client_id, t.client_secret), "X-Service-Auth": json(t) };
    const refused = await identity(both, on);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/both in .* and in X-Service-Auth/);
    await makeLegacy(a);
    expect((await identity(both, on)).status).toBe(200);
  });

  it("ignores a CF_Authorization cookie and never sets one; a valid token that no policy admits is a 403", async () => {
    const a = await account();
    const [t, outsider] = [await createToken(a), await createToken(a)];
    const h = newHost(a);
    await createApp(a, h, [policy("non_identity", [{ service_token: { token_id: t.id } }])]);
    const cookie = await viaGateway([h], "GET", `${h}/x`, { headers: { Cookie: "CF_Authorization=eyJhbGciOiJub25lIn0.e30." } });
    expect(cookie.status).toBe(401);
    const ok = await viaGateway([h], "GET", `${h}/x`, {
      headers: { ...clientHeaders(t.client_id, t.client_secret), Cookie: "CF_Authorization=x; theme=dark" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("set-cookie")).toBeNull();
    expect(ok.body.headers.cookie).toBe("theme=dark");
    const id = await identity(clientHeaders(t.client_id, t.client_secret));
    expect(id.headers.get("set-cookie")).toBeNull();
    const refused = await viaGateway([h], "GET", `${h}/x`, { headers: clientHeaders(outsider.client_id, outsider.client_secret) });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("location")).toBeNull();
  });
});
