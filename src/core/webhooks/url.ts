/**
 * Where a webhook may be delivered. A target chosen by a client is a request
 * the service makes on the client's behalf, so it must not reach what only the
 * service can reach: `https` only, no credentials in the URL, and no host that
 * names this machine or a private network (loopback, private, link-local,
 * carrier-grade NAT, unique-local and the other non-public ranges, `localhost`,
 * `.local`, `.internal`, single-label names). A Worker's `fetch` runs from
 * Cloudflare's edge, which reaches no private network of the deployment's;
 * the check is for what a hostname spells, and redirects are never followed,
 * so a public host cannot bounce a delivery elsewhere.
 * `WEBHOOK_ALLOW_INSECURE=true` (local development and tests) allows `http`
 * and loopback and private targets.
 */
import ipaddr from "ipaddr.js";

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");
/** Names that are never a public host (RFC 6761, RFC 6762, RFC 8375, RFC 7686, and common private zones). */
const LOCAL_SUFFIXES = [
  ".localhost",
  ".localdomain",
  ".local",
  ".internal",
  ".arpa",
  ".lan",
  ".intranet",
  ".corp",
  ".home",
  ".test",
  ".invalid",
  ".example",
  ".onion",
  ".svc",
  ".cluster",
];

/** The problem with a webhook target URL, or null when it may be used. */
export function webhookUrlProblem(text: string, allowInsecure: boolean): string | null {
  if (text.length > 2048) return "must be at most 2048 characters";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "must be an absolute URL";
  }
  if (url.protocol !== "https:" && !(allowInsecure && url.protocol === "http:")) return "must be an https URL";
  if (url.username || url.password) return "must not carry credentials";
  if (url.hash) return "must not have a fragment";
  // Parsers disagree on `\`: a tool reading `https://a.example\@127.0.0.1/` may not see the host we did.
  if (text.includes("\\")) return "must not contain backslashes";
  if (url.port === "0") return "must not use port 0";
  if (allowInsecure) return null;
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const literal = host.startsWith("[") ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    // Only unicast addresses of the public internet: every special range (RFC 6890) is refused, and
    // IPv6 outside 2000::/3 (IPv4-compatible ::/96 such as [::127.0.0.1], unallocated space).
    const address = ipaddr.process(literal);
    const global = address.kind() === "ipv4" || (address as ipaddr.IPv6).match(GLOBAL_UNICAST_V6);
    return global && address.range() === "unicast" ? null : "must not be a loopback, private or reserved address";
  }
  if (/^[0-9.]+$/.test(host) || /^0x/i.test(host)) return "must not be a numeric address in another notation";
  if (["localhost", "localdomain"].includes(host) || !host.includes(".") || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return "must be a public host name";
  }
  return null;
}
