/**
 * GET /cdn-cgi/access/certs (src/surfaces/service-auth/router.ts, certsRoute): the JWKS
 * that verifies get-identity's assertions. Its 500 without a signing key is in
 * get-identity.test.ts.
 */
import { env } from "cloudflare:workers";
import { verify as verifyJwt } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { call, callWithEnv } from "../../helpers/http";
import { clientHeaders, identity, jwks, orgWithToken } from "../../helpers/service-auth";

describe("GET /cdn-cgi/access/certs", () => {
  it("publishes public keys only, with kids; a configured previous key is published too", async () => {
    const keys = await jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig", kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty("d");
    const previous = { ...JSON.parse(env.JWT_PRIVATE_KEY!), kid: "old-key" };
    const both = await callWithEnv({ JWT_PREVIOUS_KEY: JSON.stringify(previous) }, "GET", "/cdn-cgi/access/certs");
    expect(both.body.keys.map((k: { kid: string }) => k.kid)).toEqual([keys[0]!.kid, "old-key"]);
    for (const k of both.body.keys) expect(k).not.toHaveProperty("d");
  });

  it("signs with an RS256 key too, verifiable against its JWKS", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const jwk = { ...((await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey), alg: "RS256", kid: "rsa-1" };
    const o = await orgWithToken();
    const rsaEnv = { JWT_PRIVATE_KEY: JSON.stringify(jwk) };
    const res = await identity(clientHeaders(o.token.client_id, o.token.client_secret), rsaEnv);
    expect(res.status).toBe(200);
    const certs = await callWithEnv(rsaEnv, "GET", "/cdn-cgi/access/certs");
    const [key] = certs.body.keys;
    expect(key).toMatchObject({ kty: "RSA", alg: "RS256", kid: "rsa-1", use: "sig" });
    expect(key).not.toHaveProperty("d");
    const claims = await verifyJwt(res.headers.get("cf-access-jwt-assertion")!, key, "RS256");
    expect(claims.common_name).toBe(o.token.client_id);
  });
});

/** A certificate made by scripts/signing-key.mjs (public material: a fixture, not a secret). */
const FIXTURE_CERT = `-----BEGIN CERTIFICATE-----
MIIBbTCCARSgAwIBAgIQHrb8c5epkrgbBdJyRz/wajAKBggqhkjOPQQDAjAvMS0w
KwYDVQQDEyRlZGdla2V5cyBpZGVudGl0eSBhc3NlcnRpb25zIGZpeHR1cmUwHhcN
MjYxMTIzMTkwNTMxWhcNMzYxMTIwMTkwNjMxWjAvMS0wKwYDVQQDEyRlZGdla2V5
cyBpZGVudGl0eSBhc3NlcnRpb25zIGZpeHR1cmUwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQqcLN5QfHNvga6ceQeUsbdLb9qepCinCkPO2xJDXLKuJs0WbP53rlk
vlxDf0RQHSnvlSczFHQ2ngajyl6x/Gx9oxIwEDAOBgNVHQ8BAf8EBAMCB4AwCgYI
KoZIzj0EAwIDRwAwRAIgR5CvsLy50xTSqSdOWLDYp+52TRVUD373Yd77+Lv+8lIC
IHvigGGN8Gk8SP47zyJ7c8fEIZ66Ebw2glYppGodW4V8
-----END CERTIFICATE-----`;

describe("public_cert and public_certs", () => {
  it("publishes the configured certificates beside the JWKS, as Access does, newlines escaped or not", async () => {
    const current = JSON.parse(env.JWT_PRIVATE_KEY!).kid as string;
    for (const cert of [FIXTURE_CERT, FIXTURE_CERT.replaceAll("\n", "\\n")]) {
      const res = await callWithEnv({ JWT_CERTIFICATE: cert }, "GET", "/cdn-cgi/access/certs");
      expect(res.status, res.text).toBe(200);
      expect(res.body.public_cert).toEqual({ kid: current, cert: `${FIXTURE_CERT}\n` });
      expect(res.body.public_certs).toEqual([res.body.public_cert]);
    }
    const previous = { ...JSON.parse(env.JWT_PRIVATE_KEY!), kid: "old-key" };
    const both = await callWithEnv(
      { JWT_CERTIFICATE: FIXTURE_CERT, JWT_PREVIOUS_KEY: JSON.stringify(previous), JWT_PREVIOUS_CERTIFICATE: FIXTURE_CERT },
      "GET",
      "/cdn-cgi/access/certs",
    );
    expect(both.body.public_certs.map((c: { kid: string }) => c.kid)).toEqual([current, "old-key"]);
    // without certificates: the JWKS alone
    const none = await call("GET", "/cdn-cgi/access/certs");
    expect(none.body).not.toHaveProperty("public_cert");
  });

  it("refuses a JWT_CERTIFICATE that is not a PEM certificate", async () => {
    const res = await callWithEnv({ JWT_CERTIFICATE: "not a certificate" }, "GET", "/cdn-cgi/access/certs");
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/JWT_CERTIFICATE must be a PEM X.509 certificate/);
  });
});
