/**
 * Standard Webhooks signing (spec v1): HMAC-SHA-256 over `id.timestamp.body`
 * with each of the endpoint's secrets, as `v1,<base64>` entries separated by
 * spaces. During a secret rotation both the new and the previous secret sign,
 * and a receiver accepts any match. Secrets are `whsec_` + base64 of 32 random bytes.
 */

const PREFIX = "whsec_";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** A new secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export const newWebhookSecret = () => `${PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;

/** The headers of one attempt: the same `webhook-id` on every attempt, this attempt's time, one signature per secret. */
export async function signWebhook(
  id: string,
  timestampSeconds: number,
  body: string,
  secrets: readonly string[],
): Promise<Record<string, string>> {
  const signed = new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const key = await crypto.subtle.importKey("raw", fromBase64(secret.slice(PREFIX.length)), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
      ]);
      return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, signed)))}`;
    }),
  );
  return { "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": signatures.join(" ") };
}
