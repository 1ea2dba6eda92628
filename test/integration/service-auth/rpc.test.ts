import { exports } from "cloudflare:workers";
import { verify as verifyJwt } from "hono/jwt";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cf } from "../../helpers/cloudflare";
import { clientHeaders, orgWithToken } from "../../helpers/service-auth";

// `exports.AuthService` is a loopback service binding to the Worker's own entrypoint:
// calls go over RPC exactly as they would from another Worker's `[[services]]` binding.
const auth = () => exports.AuthService;

describe("AuthService.verify over a service binding", () => {
  it("returns the identity and a signed assertion", async () => {
    const o = await orgWithToken();
    const result = await auth().verify(clientHeaders(o.token.client_id, o.token.client_secret), { ip: "192.0.2.1" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.identity).toMatchObject({ id: o.token.id, client_id: o.token.client_id, account_id: o.org.account_id });
    const { d: _d, ...pub } = JSON.parse(env.JWT_PRIVATE_KEY!);
    const claims = await verifyJwt(result.jwt, pub, "ES256");
    expect(claims).toMatchObject({ iss: "edgekeys", aud: [`edgekeys:account:${o.org.account_id}`], common_name: o.token.client_id });
  });

  it("accepts header pairs and Bearer keys", async () => {
    const o = await orgWithToken();
    const result = await auth().verify([["authorization", `Bearer ${o.key}`]]);
    expect(result).toMatchObject({ ok: true, identity: { credential_kind: "api_key" } });
  });

  it("returns typed failures: 401 for bad credentials, 403 for a disabled token", async () => {
    const o = await orgWithToken();
    expect(await auth().verify({})).toMatchObject({ ok: false, status: 401, error: "unauthenticated" });
    expect(await auth().verify(clientHeaders(o.token.client_id, "2".repeat(64)))).toMatchObject({ ok: false, status: 401 });
    await cf("PUT", `${o.base}/${o.token.id}`, { token: o.key, body: { enabled: false } });
    expect(await auth().verify(clientHeaders(o.token.client_id, o.token.client_secret))).toMatchObject({
      ok: false,
      status: 403,
      error: "forbidden",
      message: "Service token is disabled",
    });
  });
});
