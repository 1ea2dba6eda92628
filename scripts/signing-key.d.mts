/** Types of signing-key.mjs for the TypeScript tests that import it. */
export function signingMaterial(options?: {
  alg?: "RS256" | "ES256";
  kid?: string;
  years?: number;
}): Promise<{ jwk: string; certificate: string }>;
