/**
 * What a forwarded request looks like: the URL it goes to and the headers it
 * carries. Pure, so that the property tests can drive it with any path.
 */

/**
 * The origin's URL with the request's path and query appended. The path is
 * never resolved against the origin: a path such as `//evil.example/x` or
 * `/\evil.example` stays a path on the configured host, it does not become a
 * protocol-relative reference to another one.
 */
export function forwardUrl(origin: URL, incoming: URL): URL {
  const basePath = origin.pathname.replace(/\/+$/, "");
  const target = new URL(origin.origin);
  // The pathname setter parses a path only: whatever it holds, the host stays the origin's.
  target.pathname = basePath + incoming.pathname;
  target.search = incoming.search;
  if (target.origin !== origin.origin || !target.pathname.startsWith(`${basePath}/`)) {
    // Unreachable by construction; a second lock on the door that matters most.
    throw new Error(`refusing to forward outside the origin: ${target.href}`);
  }
  return target;
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the
 * request: they are never forwarded, nor is any header that `Connection` names.
 */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/;

/**
 * Headers through which a caller could tell the origin another host, path,
 * scheme, method or client than the ones the gateway decided on: origins,
 * proxies and frameworks honour them (Express' trust proxy, Symfony, IIS' URL
 * Rewrite, Envoy, Next.js' internal headers, Rails' and Spring's method
 * overrides). They never pass; the gateway sets `X-Forwarded-Host`, `-Proto`
 * and `-For` itself. `Host` goes too: the subrequest carries the origin's own.
 * `CF-Connecting-IP` stays: Cloudflare's edge sets it, whatever a caller sent.
 */
export const STEERING_HEADERS = [
  "host",
  "forwarded",
  "forwarded-for",
  "forwarded-host",
  "forwarded-proto",
  "x-host",
  "x-http-host-override",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "x-request-uri",
  "x-script-name",
  "script-name",
  "x-matched-path",
  "x-scheme",
  "x-url-scheme",
  "front-end-https",
  "x-real-ip",
  "x-client-ip",
  "client-ip",
  "true-client-ip",
  "x-cluster-client-ip",
  "fastly-client-ip",
  "x-proxyuser-ip",
  "cf-connecting-ipv6",
  "cf-pseudo-ipv4",
  "cf-visitor",
];
/**
 * Whole families that are a proxy's to set: `X-Forwarded` and `X-Forwarded-*`, `X-Original-*`
 * (URL, URI, Host, Method, Path, Forwarded-For), `X-Rewrite-*`, Envoy's and Next.js' internals.
 */
const STEERING_PREFIXES = ["x-forwarded", "x-original-", "x-rewrite-", "x-envoy-", "x-middleware-", "x-invoke-", "x-now-"];

/**
 * The incoming headers less the hop-by-hop ones, the steering ones, those in
 * `strip`, every `Cf-Access-*` header and Access's `CF_Authorization` cookie,
 * then with `set` applied. Access's headers and cookie are the gateway's to
 * set: a caller who sends `Cf-Access-Authenticated-User-Email` must not reach
 * an origin that trusts it beside the real assertion.
 */
export function forwardHeaders(incoming: Headers, strip: string[], set: Record<string, string | null>): Headers {
  const headers = new Headers(incoming);
  // CGI, WSGI and PHP read `Cf_Access_Client_Secret` as `Cf-Access-Client-Secret`: names are compared as they would.
  const same = (name: string) => name.toLowerCase().replaceAll("_", "-");
  const named = (incoming.get("connection") ?? "").split(",").map((name) => same(name.trim()));
  const dropped = new Set([...named, ...HOP_BY_HOP, ...STEERING_HEADERS, ...strip.map(same)]);
  for (const name of [...incoming.keys()]) {
    const n = same(name);
    // A name that is not a token cannot be set on the subrequest either; Headers refused it already.
    if (TOKEN.test(name) && (dropped.has(n) || n.startsWith("cf-access-") || STEERING_PREFIXES.some((p) => n.startsWith(p))))
      headers.delete(name);
  }
  const cookie = incoming.get("cookie");
  if (cookie !== null) {
    // Two Cookie headers arrive joined with ", ", which some parsers split on: a comma before
    // `CF_Authorization=` ends a pair too (other commas stay, inside the values that hold them).
    const pairs = cookie.split(";").flatMap((pair) => pair.split(/,(?=\s*cf_authorization\s*=)/i));
    // PHP reads `CF.Authorization`, `CF Authorization` and `CF[Authorization` as `CF_Authorization`: names are compared as it would.
    const kept = pairs.filter((pair) => pair.trim().split("=")[0]!.trim().toLowerCase().replace(/[. []/g, "_") !== "cf_authorization");
    if (kept.some((pair) => pair.trim())) headers.set("cookie", kept.join(";").trim());
    else headers.delete("cookie");
  }
  for (const [name, value] of Object.entries(set)) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  return headers;
}
