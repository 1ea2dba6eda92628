/** Node-side helper: a fresh ES256 signing key as a JWK string with a kid (what `npm run dev` generates too). */
import { generateKeyPairSync, randomUUID } from "node:crypto";

export function generateSigningJwk(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return JSON.stringify({ ...privateKey.export({ format: "jwk" }), alg: "ES256", kid: randomUUID() });
}
