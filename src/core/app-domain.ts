/**
 * Where an Access application lives: a host and an optional path, and which
 * application a request belongs to (the most specific one that claims it).
 *
 * Paths are compared in a normal form so that no spelling of a request path
 * escapes the application that claims it: percent-escapes decoded (an origin
 * that decodes `/%61dmin` must not serve `/admin` under a looser policy),
 * repeated slashes collapsed, dot segments resolved after decoding, and
 * letters folded to lower case (an origin that ignores case must not serve
 * `/ADMIN` past `/admin`'s policy). Each of these only ever moves a request
 * into the application a naive origin would serve it as.
 */

/** One host and path an application claims; path is "" (the whole host) or `/a/b`, in normal form. */
export interface AppRoute {
  host: string;
  path: string;
}

const HOST = /^(?=.{1,253}(?::|$))[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::[1-9][0-9]{0,4})?$/;

/** The normal form of a request or claimed path: see the module comment. */
export function normalPath(path: string): string {
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    let segment = raw;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      // A malformed escape stays as it is: it names no other path.
    }
    for (const part of segment.replaceAll("\\", "/").split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") segments.pop();
      else segments.push(part.toLowerCase());
    }
  }
  return segments.length ? `/${segments.join("/")}` : "";
}

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
  return { host, path: slash < 0 ? "" : normalPath(text.slice(slash)) };
}

/** The request's host as applications name it: lower case, without a trailing dot. */
export const requestHost = (url: URL) => url.host.toLowerCase().replace(/\.(?=$|:)/, "");

/** Whether a normal request path lies under a claimed path (whole segments only: `/admin` is not under `/adm`). */
export const pathUnder = (path: string, claimed: string) => claimed === "" || path === claimed || path.startsWith(`${claimed}/`);

/** The entry claiming the longest path that the request path lies under, if any. */
export function mostSpecific<T extends { path: string }>(entries: readonly T[], requestPath: string): T | undefined {
  const path = normalPath(requestPath);
  let best: T | undefined;
  for (const entry of entries) {
    if (pathUnder(path, entry.path) && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}
