/**
 * The DER → r‖s conversion WebCrypto needs for GitHub's signatures, checked
 * against a library's DER encoder (@peculiar/asn1-ecc) and against malformed input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derToP1363 } from "../../src/auth/github-signature";
import { toDerBase64 } from "../helpers/der";
import { propertyRuns } from "../helpers/settings";

const der = (raw: Uint8Array) => Uint8Array.from(atob(toDerBase64(raw.buffer as ArrayBuffer)), (c) => c.charCodeAt(0));

describe("derToP1363", () => {
  it("inverts the library's DER encoding of any r and s, leading zeros and high bits included", () => {
    const half = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Uint8Array.of(0, 0, 0, ...b.slice(3))),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Uint8Array.of(0x80 | b[0]!, ...b.slice(1))),
    );
    fc.assert(
      fc.property(half, half, (r, s) => {
        const raw = Uint8Array.of(...r, ...s);
        expect(derToP1363(der(raw))).toEqual(raw);
      }),
      { numRuns: propertyRuns(300) },
    );
  });

  it("refuses anything that is not exactly SEQUENCE { INTEGER, INTEGER } of at most 32 bytes each", () => {
    const good = der(Uint8Array.from({ length: 64 }, (_, i) => i + 1));
    expect(derToP1363(good)).not.toBeNull();
    const cases: Uint8Array[] = [
      Uint8Array.of(...good, 0), // trailing byte
      Uint8Array.of(0x31, ...good.slice(1)), // SET, not SEQUENCE
      Uint8Array.of(good[0]!, good[1]! + 1, ...good.slice(2)), // length lies
      good.slice(0, -1), // truncated
      Uint8Array.of(0x30, 6, 0x04, 1, 1, 0x02, 1, 1), // OCTET STRING for r
      Uint8Array.of(0x30, 6, 0x02, 0, 0x02, 2, 1, 1), // empty INTEGER
      Uint8Array.of(0x30, 0x26, 0x02, 0x21, 1, ...new Uint8Array(32), 0x02, 1, 1), // r of 33 significant bytes
      new Uint8Array(0),
      new Uint8Array(80).fill(0x30),
    ];
    for (const bytes of cases) expect(derToP1363(bytes), Buffer.from(bytes).toString("hex")).toBeNull();
  });
});
