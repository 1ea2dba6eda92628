/**
 * The format of every secret edgekeys mints: Braintrust-style Bearer tokens
 * (`sk-`, `bt-st-`) and Access client secrets (`ekcs_`).
 *
 *   <prefix><credential id: 22 base62><secret: 33 base62><crc32: 6 base62>
 *
 * The credential id is public and tells the server which record to check
 * without a hash lookup (a leaked secret alone names its credential); the
 * secret is 192 random bits; the CRC-32 over everything before it lets a typo
 * or a forged string be refused before any storage is touched, and lets secret
 * scanners tell our secrets from look-alikes (see `SECRET_PATTERNS`).
 */
import { bytesToHex, hexToBytes, hexToUuid, uuidToHex } from "../shared/ids";

import { CREDENTIAL_KIND_NAMES, SECRET_FORMATS, SECRET_PREFIXES, TOKEN_PREFIXES, type TokenKind } from "../shared/kinds";

/** A prefix as a literal in a pattern (`.`, `+` and the like escaped; `-` and `_` need nothing). */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export { TOKEN_PREFIXES, type TokenKind } from "../shared/kinds";

/** The Bearer kinds by prefix, longest first, so that `bt-st-` is never read as some shorter prefix. */
const BY_PREFIX = (Object.entries(TOKEN_PREFIXES) as [TokenKind, string][]).sort(([, a], [, b]) => b.length - a.length);

const ID_CHARS = 22; // 128 bits
const SECRET_BYTES = 24; // 192 bits
const SECRET_CHARS = 33;
const CHECK_CHARS = 6; // 32 bits
const BODY_CHARS = ID_CHARS + SECRET_CHARS + CHECK_CHARS;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const DIGIT: Record<string, bigint> = Object.fromEntries([...ALPHABET].map((ch, i) => [ch, BigInt(i)]));
const BASE = 62n;

function encodeBase62(bytes: Uint8Array, width: number): string {
  let n = BigInt(bytes.length ? `0x${bytesToHex(bytes)}` : 0);
  let out = "";
  while (n > 0n) {
    out = ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  return out.padStart(width, "0");
}

/** Fixed-width decode; null when a character is outside the alphabet or the value overflows. */
function decodeBase62(text: string, byteLength: number): Uint8Array | null {
  let n = 0n;
  for (const ch of text) {
    const d = DIGIT[ch];
    if (d === undefined) return null;
    n = n * BASE + d;
  }
  if (n >> BigInt(byteLength * 8) !== 0n) return null;
  return hexToBytes(n.toString(16).padStart(byteLength * 2, "0"));
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) of an ASCII string. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The checksum's base62 text; a CRC-32 fits in a Number, so no BigInt is needed on the hot path. */
function checksum(text: string): string {
  let n = crc32(text);
  let out = "";
  while (n > 0) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out.padStart(CHECK_CHARS, "0");
}

/** Fixed-width base62 text sorts as its value (the alphabet is in ASCII order): the largest valid secret. */
const MAX_SECRET_TEXT = encodeBase62(new Uint8Array(SECRET_BYTES).fill(0xff), SECRET_CHARS);
const BASE62 = /^[0-9A-Za-z]+$/;

export interface IssuedToken {
  /** The raw bearer token: shown to the client once, never stored. */
  token: string;
  /** A reminder that cannot be used: the prefix and the last four characters. */
  preview: string;
}

/** Mints a new token for the credential `id` (a UUID). */
export function mintToken(kind: TokenKind, id: string): IssuedToken {
  const prefix = TOKEN_PREFIXES[kind];
  const token = mintWithPrefix(prefix, id);
  return { token, preview: previewOf(token, prefix) };
}

function mintWithPrefix(prefix: string, id: string): string {
  const head =
    prefix +
    encodeBase62(hexToBytes(uuidToHex(id)), ID_CHARS) +
    encodeBase62(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)), SECRET_CHARS);
  return head + checksum(head);
}

// The last characters are the checksum, which is derived from the rest: safe to show.
const previewOf = (token: string, prefix: string) => `${prefix}****${token.slice(-4)}`;

export interface ParsedToken {
  kind: TokenKind;
  credentialId: string;
}

/**
 * Recognises a token by prefix, length, alphabet and checksum. Pure and cheap:
 * anything that fails here is refused without a storage lookup.
 */
export function parseToken(raw: string): ParsedToken | null {
  const kind = BY_PREFIX.find(([, prefix]) => raw.startsWith(prefix))?.[0];
  if (!kind) return null;
  const credentialId = idOf(raw, TOKEN_PREFIXES[kind]);
  return credentialId ? { kind, credentialId } : null;
}

/** The credential id inside a well-formed secret with this prefix, or null. */
function idOf(raw: string, prefix: string): string | null {
  if (!raw.startsWith(prefix)) return null;
  const body = raw.slice(prefix.length);
  if (body.length !== BODY_CHARS) return null;
  const head = raw.slice(0, raw.length - CHECK_CHARS);
  if (checksum(head) !== raw.slice(-CHECK_CHARS)) return null;
  // The secret is only checked, not decoded: its alphabet, and that it is no larger than 192 bits.
  const secret = body.slice(ID_CHARS, ID_CHARS + SECRET_CHARS);
  if (!BASE62.test(secret) || secret > MAX_SECRET_TEXT) return null;
  const idBytes = decodeBase62(body.slice(0, ID_CHARS), 16);
  return idBytes ? hexToUuid(bytesToHex(idBytes)) : null;
}

/** Cloudflare Access client ids: 32 hex characters and `.access`; public, sent in CF-Access-Client-Id. */
export const CLIENT_ID_PATTERN = /^[0-9a-f]{32}\.access$/;
/** Client secrets as Cloudflare mints them (and edgekeys did before `ekcs_`): 64 hex characters. Still accepted. */
export const LEGACY_CLIENT_SECRET_PATTERN = /^[0-9a-f]{64}$/;
/** The prefix of the client secrets edgekeys mints (the registry's): clients treat the secret as opaque, scanners recognise it. */
export const CLIENT_SECRET_PREFIX = SECRET_PREFIXES.access_token;

export const mintClientId = () => `${bytesToHex(crypto.getRandomValues(new Uint8Array(16)))}.access`;
/** A new client secret of the Access token `id`: the id rides in it, so a leaked secret alone names its token. */
export const mintClientSecret = (id: string) => mintWithPrefix(CLIENT_SECRET_PREFIX, id);

/** The Access token id inside an `ekcs_` client secret, or null (a legacy hex secret names nothing). */
export const clientSecretId = (raw: string): string | null => idOf(raw, CLIENT_SECRET_PREFIX);

/** Whether `raw` can be a client secret at all: cheap, no I/O. */
export const isClientSecret = (raw: string): boolean => LEGACY_CLIENT_SECRET_PATTERN.test(raw) || clientSecretId(raw) !== null;

/**
 * The pattern of each format, for secret scanners (GitHub's partner program,
 * the rule files in `scanners/`); README lists them. A match is a candidate:
 * the checksum, then the keyed hash, decide.
 */
export const SECRET_PATTERNS = Object.fromEntries(
  CREDENTIAL_KIND_NAMES.map((kind) => [SECRET_FORMATS[kind], `${escapeRegExp(SECRET_PREFIXES[kind])}[0-9A-Za-z]{${BODY_CHARS}}`]),
) as Record<string, string>;
