/**
 * Identifiers. Object ids are UUIDv7: time-ordered, so "newest first" is
 * "id descending" and a cursor is just an id.
 */

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562) that is monotonic within this isolate: ids minted in the
 * same millisecond count up in the 12-bit `rand_a` field, so that objects created
 * in a burst still list in creation order.
 */
export function uuidv7(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = Math.floor(Math.random() * 0x400); // room to count up before overflow
  } else if (++counter > 0xfff) {
    lastMs += 1; // borrow the next millisecond rather than break ordering
    counter = 0;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const ms = lastMs;
  bytes[0] = Math.floor(ms / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(ms / 2 ** 32) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = 0x70 | (counter >>> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return hexToUuid(bytesToHex(bytes));
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID_RE.test(s);

/** `0190…-…` → 32 lower-case hex characters (the Cloudflare `account_id` form). */
export const uuidToHex = (uuid: string) => uuid.replaceAll("-", "").toLowerCase();

export function hexToUuid(hex: string): string {
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
