/**
 * Where an Access application lives (a host and an optional path), and which
 * application a request belongs to: decided on one reading of the request
 * that every origin behind the gateway shares, or not at all.
 *
 * Hosts have one canonical form: lower case, no trailing dot, an IDN as its
 * A-label (`xn--…`), and no port. A port never changes which application
 * decides: `victim.test:8443` is `victim.test`.
 *
 * Paths: origins read a path differently. Node's URL keeps escapes, a strict
 * RFC 3986 decoder refuses a malformed one, a lenient one (WSGI's `unquote`)
 * decodes what decodes and keeps the rest; Tomcat drops `;params`, Windows
 * drops trailing dots and reads `::$DATA` as the file, some decode twice or
 * fold Unicode, most ignore case. So a request path is first held to what all
 * of them read alike (`readRequestPath`: no malformed escape, no escaped
 * `/ \ .` or control character, no NUL, no `::$`, escapes that decode as
 * UTF-8), and then every reading must select the same application
 * (`selectApp`); anything else is refused (400) before any policy runs.
 */

/** One host and path an application claims; path is "" (the whole host) or `/a/b`, in normal form. */
export interface AppRoute {
  host: string;
  path: string;
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOST_NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);

/**
 * The canonical form of a host as written (no scheme, no path): lower case,
 * without a trailing dot, an IDN as its A-label. A string saying what is wrong
 * when it is not a host name, or carries a port.
 */
export function canonicalHost(written: string): string | { refused: string } {
  const text = written.trim();
  if (/:[0-9]*$/.test(text)) return { refused: "must not have a port: a port never changes which application decides" };
  // Letters (an IDN), digits, dots and hyphens only: the URL parser would read `user@host` as `host`, `%41` as `a`.
  if (!/^[\p{L}\p{N}\p{M}.-]+$/u.test(text)) return { refused: "must be a host name (letters, digits, dots and hyphens)" };
  let host: string;
  try {
    // WHATWG's host parser: lower case, IDNA to the A-label (what a request's URL carries).
    host = new URL(`http://${text}/`).hostname;
  } catch {
    return { refused: "must be a host name (letters, digits, dots and hyphens)" };
  }
  host = host.replace(/\.$/, "");
  if (!HOST_NAME.test(host)) return { refused: "must be a host name (letters, digits, dots and hyphens)" };
  return host;
}

/**
 * The request's host as applications name it: canonical, without the port;
 * null when it is no host name (an empty label: `a.test..`, `.a.test`, or what
 * the URL parser made of `a.test。。`), which would name no host an operator
 * could have given anyone.
 */
export function requestHost(url: URL): string | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  return HOST_NAME.test(host) ? host : null;
}

/** How one origin might read a path already held to `readRequestPath`'s rules. */
interface Reading {
  /** Times escapes are decoded: 0 (Node's URL, Express), 1 (most), 2 (an origin that decodes again). */
  decodes: 0 | 1 | 2;
  /** Drops what Tomcat, Jetty and Spring drop: `;params` of each segment. */
  matrix: boolean;
  /** Drops what Windows and IIS drop: trailing dots and spaces of a segment. */
  windows: boolean;
  /** Folds Unicode compatibility forms and dotted/dotless i. */
  unicode: boolean;
}

const PLAIN: Reading = { decodes: 1, matrix: false, windows: false, unicode: false };
const READINGS: Reading[] = [
  { ...PLAIN, decodes: 0 },
  { ...PLAIN, matrix: true },
  { ...PLAIN, windows: true },
  { ...PLAIN, decodes: 2 },
  { ...PLAIN, unicode: true },
  // An origin may do several of these at once.
  { decodes: 2, matrix: true, windows: true, unicode: true },
  { decodes: 0, matrix: true, windows: true, unicode: true },
];

/** Decodes what decodes (the second pass of an origin that decodes twice: it may meet a lone `%`). */
const decodeLeniently = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
};

function readPath(path: string, r: Reading): string {
  let text = path;
  for (let i = 0; i < r.decodes; i++) text = decodeLeniently(text);
  // An origin that folds Unicode folds the whole path, before it splits: `／` and `＼` become separators.
  if (r.unicode) text = text.normalize("NFKC").replace(/[\u0130\u0131]/g, "i");
  const segments: string[] = [];
  for (let part of text.replaceAll("\\", "/").split("/")) {
    if (r.matrix) part = part.replace(/;.*$/, "");
    if (r.windows) part = part.replace(/[. ]+$/, "");
    if (part === "" || part === ".") continue;
    if (part === "..") segments.pop();
    else segments.push(part.toLowerCase());
  }
  return segments.length ? `/${segments.join("/")}` : "";
}

/** The normal form of a claimed path (decoded once, case folded, `//` collapsed, dot segments resolved). */
export const normalPath = (path: string) => readPath(path, PLAIN);

/** What no reading can disagree on: no escapes, dots, semicolons, backslashes or non-ASCII. */
const UNAMBIGUOUS = /^[A-Za-z0-9\-_/~!$&'()*+,=:@]*$/;

/**
 * The request path (a URL's `pathname`) if every origin reads it alike, else
 * why not. Refused: a malformed escape (`%zz`, `%f`, a lone `%`), escapes that
 * are not UTF-8 (`%ff`), an escaped `/`, `\`, `.` or `%`-sequence that a second
 * decode would read, a control character or NUL (escaped or not), a backslash,
 * and `::$` (NTFS streams: IIS serves `/secret::$DATA` as `/secret`).
 */
export function readRequestPath(pathname: string): { path: string } | { refused: string } {
  if (UNAMBIGUOUS.test(pathname) && !pathname.includes("::$") && !SHORT_NAME.test(pathname)) return { path: pathname };
  if (/%(?![0-9a-f]{2})/i.test(pathname)) return { refused: "a malformed percent-escape (% must be followed by two hex digits)" };
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { refused: "percent-escapes that are not UTF-8" };
  }
  // What an origin that decodes once more would meet: the same refusals hold for `%252F` as for `%2F`.
  for (const text of [pathname, decoded]) {
    if (/%(2f|5c)/i.test(text) || decoded.includes("\\"))
      return { refused: "an escaped or backslash separator (%2F, %5C, \\): origins split segments differently on it" };
    if (/%2e/i.test(text)) return { refused: "an escaped dot (%2E): origins resolve dot segments differently with it" };
    // An origin that decodes, then parses the result as a URL, ends the path there.
    if (/%(3f|23)/i.test(text)) return { refused: "an escaped ? or # (%3F, %23): origins that decode before parsing end the path there" };
    if (/%(0[0-9a-f]|1[0-9a-f]|7f)/i.test(text)) return { refused: "a control character or NUL" };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) return { refused: "a control character or NUL" };
  if (decoded.includes("::$")) return { refused: "an NTFS stream name (::$): Windows origins read it as the file itself" };
  if (SHORT_NAME.test(decoded)) return { refused: "an 8.3 short name (ADMINI~1): Windows origins read it as a longer name" };
  return { path: pathname };
}

/** A segment in DOS 8.3 form (`ADMINI~1`, `PROGRA~2.HTM`): NTFS with short names resolves it to a long one. */
const SHORT_NAME = /(^|\/)[^/~]{1,6}~[0-9]/;

/**
 * The route of a `domain` (`app.example.com`, `app.example.com/admin`, or
 * the host and path of a `public` destination's `uri`); a string saying what
 * is wrong when it is not one. Wildcards, schemes, ports, queries and
 * fragments are refused: they would need matching rules edgekeys does not have.
 */
export function parseDomain(domain: string): AppRoute | string {
  const text = domain.trim();
  if (text.includes("*")) return "wildcards are not supported; name each host and path";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "give the host and path without a scheme (app.example.com/path)";
  if (/[?#\s]/.test(text)) return "must be a host and an optional path, without query or fragment";
  const slash = text.indexOf("/");
  const host = canonicalHost(slash < 0 ? text : text.slice(0, slash));
  if (typeof host !== "string") return host.refused;
  const path = slash < 0 ? "" : text.slice(slash);
  // `app.example.com/../..` would claim the whole host while reading as a path: say what you claim.
  if (
    path.split(/[\\/]/).some((raw) =>
      decodeLeniently(raw)
        .split(/[\\/]/)
        .some((segment) => segment === "." || segment === ".."),
    )
  ) {
    return "must not have . or .. segments";
  }
  const read = readRequestPath(path);
  if ("refused" in read) return `must be a path every origin reads alike: it has ${read.refused}`;
  return { host, path: normalPath(path) };
}

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
 * any; `{ refused }` when the path breaks `readRequestPath`'s rules, or when
 * the ways origins read paths put it under different entries (or under one
 * and none). Such a request is refused: whichever entry edgekeys chose, some
 * origin would serve it as the other.
 */
export function selectApp<T extends { path: string }>(
  entries: readonly T[],
  requestPath: string,
): { app: T | undefined } | { refused: string } {
  const read = readRequestPath(requestPath);
  if ("refused" in read) return read;
  const first = longestUnder(entries, normalPath(requestPath));
  if (UNAMBIGUOUS.test(requestPath) || !entries.length) return { app: first };
  for (const reading of READINGS) {
    if (longestUnder(entries, readPath(requestPath, reading)) !== first) {
      return { refused: "a spelling that origins read as different Access applications' paths" };
    }
  }
  return { app: first };
}
