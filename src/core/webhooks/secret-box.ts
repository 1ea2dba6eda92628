/**
 * Secrets the service must use again later (webhook signing secrets), sealed
 * at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from the
 * WEBHOOK_ENCRYPTION_KEY secret, a random 96-bit IV per sealing, and the
 * owning row's id as associated data, so a sealed value copied onto another
 * row does not open. Stored as IV ‖ ciphertext ‖ tag.
 */
import { DomainError } from "../shared/errors";

const INFO = new TextEncoder().encode("edgekeys/webhook-secret/v1");

export class SecretBox {
  private key: Promise<CryptoKey> | undefined;

  constructor(private readonly material: string | undefined) {}

  private cryptoKey(): Promise<CryptoKey> {
    if (!this.material || this.material.length < 16) {
      throw new DomainError("misconfigured", "WEBHOOK_ENCRYPTION_KEY is not set (at least 16 characters)");
    }
    this.key ??= crypto.subtle
      .importKey("raw", new TextEncoder().encode(this.material), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO },
          base,
          { name: "AES-GCM", length: 256 },
          false,
          ["encrypt", "decrypt"],
        ),
      );
    return this.key;
  }

  /** Seals `secret` for the row `id`. */
  async seal(id: string, secret: string): Promise<ArrayBuffer> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(id) },
      await this.cryptoKey(),
      new TextEncoder().encode(secret),
    );
    const out = new Uint8Array(12 + sealed.byteLength);
    out.set(iv);
    out.set(new Uint8Array(sealed), 12);
    return out.buffer;
  }

  /** Opens what `seal` made for the same row; throws when the key, the row or the bytes differ. */
  async open(id: string, sealed: ArrayBuffer): Promise<string> {
    const bytes = new Uint8Array(sealed);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(id) },
      await this.cryptoKey(),
      bytes.slice(12),
    );
    return new TextDecoder().decode(plain);
  }
}
