/**
 * Every raw secret the Worker hands out during a test file, and every line the
 * Worker logs, so that a check after the file can prove no secret was stored
 * or logged. Secrets are picked out of every response the helpers receive.
 */
export const issuedSecrets = new Set<string>();
export const logLines: string[] = [];

/** Bearer tokens and `ekcs_` Access client secrets: prefix, id, secret, checksum (src/core/credentials/tokens.ts). */
const BEARER = /(?:sk-|bt-st-|ekcs_)[0-9A-Za-z]{61}/g;
/** Legacy 64-hex client secrets (none is minted now; tests may still plant one). */
const CLIENT_SECRET = /"client_secret"\s*:\s*"([0-9a-f]{64})"/g;
/** Webhook signing secrets: `whsec_` + base64 of 32 bytes (src/core/webhooks/signing.ts). */
const WEBHOOK_SECRET = /whsec_[A-Za-z0-9+/]{43}=/g;

export function rememberSecrets(responseText: string): void {
  for (const m of responseText.matchAll(BEARER)) issuedSecrets.add(m[0]);
  for (const m of responseText.matchAll(CLIENT_SECRET)) issuedSecrets.add(m[1]!);
  for (const m of responseText.matchAll(WEBHOOK_SECRET)) issuedSecrets.add(m[0]);
}

/** The part of a secret that must never appear: the secret itself, minus public prefixes and ids. */
export function secretCore(secret: string): string {
  if (secret.startsWith("bt-st-")) return secret.slice(6 + 22, 6 + 55);
  if (secret.startsWith("sk-")) return secret.slice(3 + 22, 3 + 55);
  if (secret.startsWith("ekcs_")) return secret.slice(5 + 22, 5 + 55);
  // The key material alone: a log line or column holding it without the prefix leaks it just the same.
  if (secret.startsWith("whsec_")) return secret.slice(6);
  return secret;
}
