/**
 * GitHub's ECDSA signature encoding, for tests: WebCrypto's r‖s as ASN.1 DER (by
 * @peculiar/asn1-ecc), base64. Pure: the unit tests run it in Node, the leak-response
 * tests (test/helpers/secret-scanning.ts) inside workerd.
 */
import { ECDSASigValue } from "@peculiar/asn1-ecc";
import { AsnConvert } from "@peculiar/asn1-schema";

const base64 = (bytes: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** WebCrypto's r‖s signature as GitHub sends it: ASN.1 DER `SEQUENCE { r, s }`, base64. */
export function toDerBase64(raw: ArrayBuffer): string {
  const bytes = new Uint8Array(raw);
  const value = new ECDSASigValue({ r: unsigned(bytes.slice(0, 32)), s: unsigned(bytes.slice(32)) });
  return base64(AsnConvert.serialize(value));
}

/** An ASN.1 INTEGER's content for a non-negative number: a 0x00 before a high bit. */
const unsigned = (b: Uint8Array): ArrayBuffer => (b[0]! & 0x80 ? Uint8Array.of(0, ...b) : b).buffer as ArrayBuffer;
