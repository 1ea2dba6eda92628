/**
 * Service auth against the running Worker: a token created with the official
 * `cloudflare` SDK authenticates with plain header requests, and the identity
 * assertion verifies with a standard JOSE library against /cdn-cgi/access/certs.
 */
import Cloudflare from "cloudflare";
import { createRemoteJWKSet, importX509, jwtVerify } from "jose";
import { expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";

const getIdentity = (headers: Record<string, string>) => fetch(`${baseUrl()}/cdn-cgi/access/get-identity`, { headers });

it("authenticates an SDK-made token by its headers, with an assertion that verifies, until it is revoked", async () => {
  const b = await bootstrap();
  const cf = new Cloudflare({ baseURL: `${baseUrl()}/client/v4`, apiToken: b.api_key.key, maxRetries: 0 });
  const account_id = b.org.account_id;
  const token = await cf.zeroTrust.access.serviceTokens.create({ account_id, name: "caller", duration: "1h" });
  const headers = { "CF-Access-Client-Id": token.client_id!, "CF-Access-Client-Secret": token.client_secret! };

  const res = await getIdentity(headers);
  expect(res.status).toBe(200);
  const identity = await res.json();
  expect(identity).toMatchObject({ id: token.id, common_name: token.client_id, account_id });

  const jwks = createRemoteJWKSet(new URL(`${baseUrl()}/cdn-cgi/access/certs`));
  const { payload, protectedHeader } = await jwtVerify(res.headers.get("cf-access-jwt-assertion")!, jwks, {
    issuer: "edgekeys",
    audience: `edgekeys:account:${account_id}`,
  });
  expect(protectedHeader.alg).toBe("RS256");
  // ...and against its PEM certificate, as origins written for Access verify it
  const certs = (await (await fetch(`${baseUrl()}/cdn-cgi/access/certs`)).json()) as {
    public_cert: { kid: string; cert: string };
    public_certs: { kid: string; cert: string }[];
  };
  expect(certs.public_cert.kid).toBe(protectedHeader.kid);
  expect(certs.public_certs).toEqual([certs.public_cert]);
  const fromCert = await importX509(certs.public_cert.cert, "RS256");
  const viaCert = await jwtVerify(res.headers.get("cf-access-jwt-assertion")!, fromCert, {
    issuer: "edgekeys",
    audience: `edgekeys:account:${account_id}`,
  });
  expect(viaCert.payload.sub).toBe(token.id);
  expect(payload).toMatchObject({ sub: token.id, common_name: token.client_id, type: "app", account_id });

  // rotation with a grace time: both secrets work; the SDK's disable then shuts both out
  const grace = new Date(Date.now() + 10 * 60_000).toISOString();
  const rotated = await cf.zeroTrust.access.serviceTokens.rotate(token.id!, { account_id, previous_client_secret_expires_at: grace });
  const fresh = { ...headers, "CF-Access-Client-Secret": rotated.client_secret! };
  expect((await getIdentity(headers)).status).toBe(200);
  expect((await getIdentity(fresh)).status).toBe(200);
  await cf.zeroTrust.access.serviceTokens.update(token.id!, { account_id, enabled: false });
  expect((await getIdentity(fresh)).status).toBe(403);
  expect((await getIdentity(headers)).status).toBe(403);
  await cf.zeroTrust.access.serviceTokens.update(token.id!, { account_id, enabled: true });
  await cf.zeroTrust.access.serviceTokens.delete(token.id!, { account_id });
  expect((await getIdentity(fresh)).status).toBe(401);
});
