/**
 * Where an Access application lives: a host and an optional path, and which
 * application a request belongs to (the most specific one that claims it).
 *
 * A request path is read the ways origins read paths: percent-escapes decoded
 * (an origin that decodes `/%61dmin` must not serve `/admin` under a looser
 * policy), repeated slashes collapsed, dot segments resolved, case folded (an
 * origin that ignores case must not serve `/ADMIN` past `/admin`'s policy);
 * and also with `%2F` kept inside its segment, `;params` dropped, Windows'
 * trailing dots dropped, escapes decoded twice, Unicode folded. When those
 * readings put the request under different applications (or under one and
 * none), the request is refused as ambiguous rather than guessed.
 */

/** One host and path an application claims; path is "" (the whole host) or `/a/b`, in normal form. */
export interface AppRoute {
  host: string;
  path: string;
}

const HOST = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[1-9][0-9]{0,4})?$/;

/** How one origin might read a path segment: decoded or not, and what it drops from it. */
interface Reading {
  /** Percent-escapes of `/` and `\\` split segments (decoded before splitting), or stay inside one. */
  decodeSlashes: boolean;
  /** Times escapes are decoded (2: an origin that decodes again). */
  decodes: 1 | 2;
  /** Drops what Tomcat, Jetty and Spring drop: `;params` of each segment. */
  matrix: boolean;
  /** Drops what Windows and IIS drop: trailing dots and spaces, `::$DATA`, anything after a NUL. */
  windows: boolean;
  /** Folds Unicode compatibility forms and dotted/dotless i. */
  unicode: boolean;
}

const PLAIN: Reading = { decodeSlashes: true, decodes: 1, matrix: false, windows: false, unicode: false };
const READINGS: Reading[] = [
  PLAIN,
  { ...PLAIN, decodeSlashes: false },
  { ...PLAIN, matrix: true },
  { ...PLAIN, windows: true },
  { ...PLAIN, decodes: 2 },
  { ...PLAIN, unicode: true },
  // An origin may do several of these at once.
  { decodeSlashes: true, decodes: 2, matrix: true, windows: true, unicode: true },
];

const decode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape names no other path
  }
};

function readPath(path: string, r: Reading): string {
  let text = path;
  if (!r.decodeSlashes) text = text.replace(/%(2f|5c)/gi, "\u0000$1"); // kept inside their segment
  for (let i = 0; i < r.decodes; i++) text = decode(text);
  const segments: string[] = [];
  for (let part of text.replaceAll("\\", "/").split("/")) {
    if (!r.decodeSlashes) part = part.replace(/\u0000(2f|5c)/gi, "%$1");
    if (r.matrix) part = part.replace(/;.*$/, "");
    if (r.windows) part = part.replace(/\u0000.*$/, "").replace(/::\$data$/i, "").replace(/[. ]+$/, "");
    if (r.unicode) part = part.normalize("NFKC").replace(/[\u0130\u0131]/g, "i");
    if (part === "" || part === ".") continue;
    if (part === "..") segments.pop();
    else segments.push(part.toLowerCase());
  }
  return segments.length ? `/${segments.join("/")}` : "";
}

/** The normal form of a claimed path, and the common reading of a request path: see the module comment. */
export const normalPath = (path: string) => readPath(path, PLAIN);

/** Paths no reading can disagree on: no escapes, dots, semicolons, backslashes or non-ASCII. */
const UNAMBIGUOUS = /^[A-Za-z0-9\-_/~!$&'()*+,=:@]*$/;

/**
 * The route of a `domain` (`app.example.com`, `app.example.com/admin`, or
 * the host and path of a `public` destination's `uri`); a string saying what
 * is wrong when it is not one. Wildcards, schemes, queries and fragments are
 * refused: they would need matching rules edgekeys does not have.
 */
export function parseDomain(domain: string): AppRoute | string {
  const text = domain.trim();
  if (text.includes("*")) return "wildcards are not supported; name each host and path";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "give the host and path without a scheme (app.example.com/path)";
  if (/[?#\s]/.test(text)) return "must be a host and an optional path, without query or fragment";
  const slash = text.indexOf("/");
  const host = (slash < 0 ? text : text.slice(0, slash)).toLowerCase().replace(/\.(?=$|:)/, "");
  if (!HOST.test(host)) return "must start with a host name (letters, digits, dots and hyphens, an optional :port)";
  const path = slash < 0 ? "" : text.slice(slash);
  // `app.example.com/../..` would claim the whole host while reading as a path: say what you claim.
  // Read as normalPath reads it: escapes decoded (`%2e%2e`), backslashes separating.
  if (path.split("/").some((raw) => decode(raw).split(/[\\/]/).some((segment) => segment === "." || segment === ".."))) return "must not have . or .. segments";
  return { host, path: normalPath(path) };
}

/** The request's host as applications name it: lower case, without a trailing dot. */
export const requestHost = (url: URL) => url.host.toLowerCase().replace(/\.(?=$|:)/, "");

/** Whether a normal request path lies under a claimed path (whole segments only: `/admin` is not under `/adm`). */
export const pathUnder = (path: string, claimed: string) => claimed === "" || path === claimed || path.startsWith(`${claimed}/`);

/** The entry claiming the longest path that `path` (already read) lies under, if any. */
function longestUnder<T extends { path: string }>(entries: readonly T[], path: string): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    if (pathUnder(path, entry.path) && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

/**
 * The entry claiming the longest path that the request path lies under, if
 * any; `"ambiguous"` when the ways origins read paths (decoding `%2F` or not,
 * dropping `;params`, Windows' trailing dots, decoding twice, folding Unicode)
 * put it under different entries. Such a request is refused: whichever entry
 * edgekeys chose, some origin would serve it as the other.
 */
export function mostSpecific<T extends { path: string }>(entries: readonly T[], requestPath: string): T | undefined | "ambiguous" {
  const first = longestUnder(entries, normalPath(requestPath));
  if (UNAMBIGUOUS.test(requestPath) || !entries.length) return first;
  for (const reading of READINGS.slice(1)) {
    if (longestUnder(entries, readPath(requestPath, reading)) !== first) return "ambiguous";
  }
  return first;
}
