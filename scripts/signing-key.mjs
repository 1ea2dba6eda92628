// A signing key for identity assertions and its self-signed X.509 certificate, as Cloudflare
// Access publishes them: RS256 by default (ES256 on request), the private key as a JWK with a
// `kid`, the certificate as PEM. Used by `npm run dev` for local secrets, by `npm run deploy` for
// the Worker's (when it has none) and by the e2e setup. To replace the Worker's pair on purpose,
// `node scripts/signing-key.mjs --json | npx wrangler secret bulk` sets both at once, never shown or
// written to disk. The certificate is built with @peculiar/x509, in Node: the Worker only
// publishes it, so no ASN.1 library ships in its bundle.
import { randomUUID, webcrypto } from "node:crypto";
import "reflect-metadata"; // @peculiar/x509 builds on tsyringe, which needs it first
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto);

const ALGORITHMS = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 },
  ES256: { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" },
};

/** `{ jwk, certificate }`: the private JWK (JSON text, with alg and kid) and its certificate (PEM). */
export async function signingMaterial({ alg = "RS256", kid = randomUUID(), years = 10 } = {}) {
  const algorithm = ALGORITHMS[alg];
  if (!algorithm) throw new Error(`unsupported algorithm ${alg}`);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"]);
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    name: `CN=edgekeys identity assertions ${kid}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + years * 365 * 86_400_000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const jwk = { ...(await webcrypto.subtle.exportKey("jwk", keys.privateKey)), alg, kid };
  delete jwk.key_ops;
  delete jwk.ext;
  return { jwk: JSON.stringify(jwk), certificate: certificate.toString("pem") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const alg = process.argv.includes("--es256") ? "ES256" : "RS256";
  const { jwk, certificate } = await signingMaterial({ alg });
  if (process.argv.includes("--json")) {
    // The input `wrangler secret bulk` reads from stdin.
    console.log(JSON.stringify({ JWT_PRIVATE_KEY: jwk, JWT_CERTIFICATE: certificate.trim() }));
  } else {
    console.log(`JWT_PRIVATE_KEY=${jwk}\n`);
    console.log(`JWT_CERTIFICATE:\n${certificate}`);
  }
}
