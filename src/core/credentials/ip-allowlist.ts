/**
 * A credential's IP allowlist: addresses and CIDR ranges in one spelling each
 * (the rules of `access-policy.ts`: four-part decimal IPv4, IPv6 without zone,
 * IPv4-mapped IPv6 is its IPv4 address), canonicalised when written so that
 * what is stored and shown is what is enforced, and compiled once per record
 * by the credential's home so a request costs one address parse.
 */
import ipaddr from "ipaddr.js";
import { strictAddress, strictRange } from "../access/decision";
import { invalid } from "../shared/errors";

export const MAX_ALLOWLIST = 64;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** `192.0.2.7/24` → `192.0.2.0/24`; a whole address without its length; IPv6 in RFC 5952 form. Null when not a range. */
export function canonicalRange(text: string): string | null {
  const range = strictRange(text.trim());
  if (!range) return null;
  const [net, bits] = range;
  const bytes = net.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i]! &= (0xff << (8 - keep)) & 0xff;
  }
  const network = ipaddr.fromByteArray(bytes).toString();
  return bits === bytes.length * 8 ? network : `${network}/${bits}`;
}

/** The canonical allowlist of a request, or a 400 naming the entry at fault. */
export function parseAllowlist(entries: readonly string[], field = "ip_allowlist"): string[] {
  if (entries.length > MAX_ALLOWLIST) throw invalid(field, `at most ${MAX_ALLOWLIST} entries`);
  const out: string[] = [];
  entries.forEach((entry, i) => {
    const canonical = canonicalRange(entry);
    if (!canonical)
      throw invalid(`${field}[${i}]`, "must be an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24), written out in full");
    if (!out.includes(canonical)) out.push(canonical);
  });
  return out;
}

const compile = (ranges: readonly string[]): Range[] => ranges.map((r) => strictRange(r)).filter((r): r is Range => r !== null);

/** A matcher for canonical `ranges`: whether a client address (as reported) is in one. An unknown address is not. */
export function allowlistMatcher(ranges: readonly string[]): (address: string | null) => boolean {
  const compiled = compile(ranges);
  return (address) => {
    const addr = address === null ? null : strictAddress(address.trim());
    if (!addr) return false;
    return compiled.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
  };
}

/** Whether every range of `inner` lies inside some range of `outer`. */
export function rangesWithin(inner: readonly string[], outer: readonly string[]): boolean {
  const out = compile(outer);
  return compile(inner).every(([net, bits]) => out.some(([o, ob]) => net.kind() === o.kind() && bits >= ob && net.match(o, ob)));
}
