/** Webhook secrets sealed at rest: AES-GCM, bound to the owning row, under WEBHOOK_ENCRYPTION_KEY. */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../../src/core/shared/errors";
import { SecretBox } from "../../../src/core/webhooks/secret-box";

const KEY = "unit-test-key-0123456789abcdef";
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/** A copy of `sealed` with byte `i` flipped. */
function flipped(sealed: ArrayBuffer, i: number): ArrayBuffer {
  const bytes = new Uint8Array(sealed.slice(0));
  bytes[i]! ^= 0x01;
  return bytes.buffer;
}

describe("SecretBox", () => {
  it("opens what it sealed, for the same row", async () => {
    const box = new SecretBox(KEY);
    const sealed = await box.seal("whk_1", SECRET);
    expect(await box.open("whk_1", sealed)).toBe(SECRET);
    // Another box with the same key material opens it too (a later request, another isolate).
    expect(await new SecretBox(KEY).open("whk_1", sealed)).toBe(SECRET);
  });

  it("round-trips an empty and a non-ASCII secret", async () => {
    const box = new SecretBox(KEY);
    expect(await box.open("r", await box.seal("r", ""))).toBe("");
    expect(await box.open("r", await box.seal("r", "sëcret ✓ 🔑"))).toBe("sëcret ✓ 🔑");
  });

  it("stores IV, ciphertext and tag, without the secret in clear", async () => {
    const sealed = await new SecretBox(KEY).seal("whk_1", SECRET);
    expect(sealed.byteLength).toBe(12 + new TextEncoder().encode(SECRET).length + 16);
    expect(new TextDecoder().decode(sealed)).not.toContain("MfKQ9r8GKYqr");
  });

  it("seals the same secret differently each time (a random IV)", async () => {
    const box = new SecretBox(KEY);
    const a = new Uint8Array(await box.seal("whk_1", SECRET));
    const b = new Uint8Array(await box.seal("whk_1", SECRET));
    expect(a).not.toEqual(b);
    expect(a.slice(0, 12)).not.toEqual(b.slice(0, 12));
  });

  it("does not open a sealed value for another row", async () => {
    const box = new SecretBox(KEY);
    const sealed = await box.seal("whk_1", SECRET);
    await expect(box.open("whk_2", sealed)).rejects.toThrow();
    await expect(box.open("", sealed)).rejects.toThrow();
  });

  it("does not open under another key", async () => {
    const sealed = await new SecretBox(KEY).seal("whk_1", SECRET);
    await expect(new SecretBox(`${KEY}x`).open("whk_1", sealed)).rejects.toThrow();
  });

  it("does not open when any byte changed, or the value was cut short", async () => {
    const box = new SecretBox(KEY);
    const sealed = await box.seal("whk_1", SECRET);
    // In the IV, the ciphertext and the tag.
    for (const i of [0, 11, 12, 12 + 5, sealed.byteLength - 1]) {
      await expect(box.open("whk_1", flipped(sealed, i)), `byte ${i}`).rejects.toThrow();
    }
    await expect(box.open("whk_1", sealed.slice(0, sealed.byteLength - 1))).rejects.toThrow();
    await expect(box.open("whk_1", sealed.slice(0, 12))).rejects.toThrow();
    await expect(box.open("whk_1", new ArrayBuffer(0))).rejects.toThrow();
  });

  it("refuses to work without a key of at least 16 characters, naming the setting", async () => {
    for (const material of [undefined, "", "fifteen-chars!!"]) {
      const box = new SecretBox(material);
      for (const attempt of [() => box.seal("whk_1", SECRET), () => box.open("whk_1", new ArrayBuffer(40))]) {
        const error = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error, String(material)).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe("misconfigured");
        expect((error as DomainError).message).toMatch(/WEBHOOK_ENCRYPTION_KEY/);
      }
    }
    // Sixteen characters is enough.
    const box = new SecretBox("sixteen-chars!!!");
    expect(await box.open("r", await box.seal("r", SECRET))).toBe(SECRET);
  });
});
