/**
 * Client addresses as rate-limit keys. The failed-authentication budget is
 * kept per key, so every spelling of one client must give the same key, or a
 * guesser gets a fresh budget per spelling:
 *  - IPv4 (strict dotted quad) is its own key: `192.0.2.1`;
 *  - IPv4-mapped IPv6 (`::ffff:192.0.2.1`, `::FFFF:c000:201`,
 *    `0:0:0:0:0:ffff:192.0.2.1`, ...) is the same client as its IPv4 address;
 *  - any other IPv6 address counts per /64, written in RFC 5952 form
 *    (`2001:db8:1:2::/64`): a client is routinely handed a whole /64 and can
 *    pick a new address in it for every request;
 *  - anything else is still counted (lower-cased, under the `unparsed:`
 *    prefix, which no address key has): dropping it would exempt garbage from
 *    the limit, and the prefix keeps it from landing in a real address's budget.
 *
 * Pure, with no imports: the RPC entrypoint and the HTTP doors share it.
 */

type Groups = number[]; // eight 16-bit groups
type Bytes = [number, number, number, number];

const DOTTED_QUAD = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;
/** Longer than any address's text (45 chars at most): keeps garbage keys bounded. */
const MAX_UNPARSED = 64;

/**
 * The bytes of a strict dotted quad, or null. Leading zeros are refused: some
 * parsers read `010` as octal, others as decimal, so such text names no one
 * address (it is still counted, as unparsed text).
 */
function parseIpv4(text: string): Bytes | null {
  if (!DOTTED_QUAD.test(text)) return null;
  const bytes = text.split(".").map(Number) as Bytes; // four parts: the pattern says so
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The groups of one side of a `::` (or of an address without one); a dotted quad may end the address. */
function parseGroups(side: string, mayEndInIpv4: boolean): Groups | null {
  if (side === "") return [];
  const parts = side.split(":");
  const groups: Groups = [];
  for (const [i, part] of parts.entries()) {
    if (mayEndInIpv4 && i === parts.length - 1 && part.includes(".")) {
      const bytes = parseIpv4(part);
      if (!bytes) return null;
      const [a, b, c, d] = bytes;
      groups.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_GROUP.test(part)) {
      groups.push(parseInt(part, 16));
    } else {
      return null;
    }
  }
  return groups;
}

/** The eight groups of an IPv6 address in any RFC 4291 text form, or null. Zone ids (`%eth0`) are refused. */
function parseIpv6(text: string): Groups | null {
  const [before = "", after, ...more] = text.split("::");
  if (more.length) return null;
  if (after === undefined) {
    const groups = parseGroups(text, true);
    return groups && groups.length === 8 ? groups : null;
  }
  const head = parseGroups(before, false);
  const tail = parseGroups(after, true);
  // `::` stands for at least one group of zeros.
  if (!head || !tail || head.length + tail.length > 7) return null;
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952 text: lower-case hex, no leading zeros, `::` for the first longest run of two or more zero groups. */
function formatIpv6(groups: Groups): string {
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: Groups) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/** The IPv4 address of `::ffff:a.b.c.d` (RFC 4291 section 2.5.5.2), or null for any other IPv6 address. */
function mappedIpv4(groups: Groups): string | null {
  const [g0, g1, g2, g3, g4, g5, hi = 0, lo = 0] = groups;
  if (g0 || g1 || g2 || g3 || g4 || g5 !== 0xffff) return null;
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join(".");
}

type Parsed = { v4: string } | { v6: Groups };

function parse(text: string): Parsed | null {
  if (parseIpv4(text)) return { v4: text };
  const groups = parseIpv6(text);
  if (!groups) return null;
  const v4 = mappedIpv4(groups);
  return v4 ? { v4 } : { v6: groups };
}

/**
 * The canonical text of an IP address: IPv4 (also for IPv4-mapped IPv6) as a
 * dotted quad, IPv6 in RFC 5952 form. Null when `raw` is not an address.
 */
export function canonicalIp(raw: string): string | null {
  const parsed = parse(raw.trim());
  if (!parsed) return null;
  return "v4" in parsed ? parsed.v4 : formatIpv6(parsed.v6);
}

/**
 * The key that failed authentications from `raw` (a client address as
 * reported, e.g. CF-Connecting-IP) are counted and blocked under: see the
 * module comment. Null when there is no address at all (nothing to count).
 */
export function ipLimitKey(raw: string | null | undefined): string | null {
  const text = raw?.trim();
  if (!text) return null;
  const parsed = parse(text);
  if (!parsed) return `unparsed:${text.toLowerCase().slice(0, MAX_UNPARSED)}`;
  if ("v4" in parsed) return parsed.v4;
  return `${formatIpv6([...parsed.v6.slice(0, 4), 0, 0, 0, 0])}/64`;
}
