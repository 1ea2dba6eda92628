/**
 * The gateway's path decision against the origins behind it (differential,
 * property-based): for every generated request path that the gateway would
 * forward, each of three origin readers — Node's URL (escapes kept, as Express
 * routes), a lenient decoder (decode what decodes, keep the rest, as WSGI's
 * `unquote`) and a strict RFC 3986 decoder (refuses a malformed escape or
 * non-UTF-8) — and a fourth found by an attack (Unicode folded over the whole
 * path, then segments trimmed as Windows does) selects the same application the
 * gateway chose, or refuses the request itself. Applications overlap on one
 * host, as in the red team's setup.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalPath, pathUnder, selectApp } from "../../../src/core/access/app-domain";
import { RED_TEAM_PATHS } from "../../helpers/red-team-paths";
import { propertyRuns } from "../../helpers/settings";

/** 3,000 paths a run (PROPERTY_SCALE multiplies it). */
const RUNS = propertyRuns(3000);

/** Segments of a decoded path, as routers compare them: no empty or `.` segments, `..` resolved, case folded. */
function route(decoded: string): string {
  const out: string[] = [];
  for (const part of decoded.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part.toLowerCase());
  }
  return out.length ? `/${out.join("/")}` : "";
}

// A BOM is a character of the path like any other (Python's unquote keeps it).
const utf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes of `%XX` escapes in `run`. */
const bytesOf = (run: string) => Uint8Array.from(run.match(/%[0-9a-f]{2}/gi)!.map((e) => parseInt(e.slice(1), 16)));

/** Each reader: the path an origin routes on, or null when it refuses the request. */
const READERS: Record<string, (path: string) => string | null> = {
  // Beyond the three: an origin that folds Unicode over the whole decoded path, then trims segments as Windows does.
  foldingWindows: (path) =>
    route(
      path
        .replace(/(?:%[0-9a-f]{2})+/gi, (run) => utf8.decode(bytesOf(run)))
        .normalize("NFKC")
        .split("/")
        .map((segment) => segment.replace(/[. ]+$/, ""))
        .join("/"),
    ),
  nodeUrl: (path) => route(new URL(`http://origin.test${path}`).pathname),
  lenient: (path) => route(path.replace(/(?:%[0-9a-f]{2})+/gi, (run) => utf8.decode(bytesOf(run)))),
  strict: (path) => {
    if (/%(?![0-9a-f]{2})/i.test(path)) return null;
    try {
      return route(path.replace(/(?:%[0-9a-f]{2})+/gi, (run) => strictUtf8.decode(bytesOf(run))));
    } catch {
      return null;
    }
  },
};

/** The application a reader's path lies under: the longest claimed path. */
function claimedBy<T extends { path: string }>(apps: readonly T[], path: string): T | undefined {
  let best: T | undefined;
  for (const app of apps) if (pathUnder(path, app.path) && (!best || app.path.length > best.path.length)) best = app;
  return best;
}

/** Pieces rich in what origins disagree on: separators, dots, escapes of them, NTFS streams, params. */
const piece = fc.constantFrom(
  ...["/", ".", "..", "%", "2", "5", "e", "f", "F", "s", ":", "$", ";", "\\", "secret", "admin", "x"],
  ...[
    "%2f",
    "%2F",
    "%5c",
    "%2e",
    "%2E",
    "%25",
    "%73",
    "%65",
    "%53",
    "%zz",
    "%f",
    "%ff",
    "%c3%a9",
    "%C3",
    "%00",
    "%0a",
    "::$DATA",
    ";x=1",
    "%3b",
  ],
  ...["%EF%BC%8F", "%EF%BC%BC", "%C2%A0", "%EF%BC%8E", "%EF%BD%93", "%3f", "%23", "~1", "%EF%BB%BF"],
);
const rawPath = fc.array(piece, { minLength: 1, maxLength: 10 }).map((pieces) => `/${pieces.join("")}`);

const APPS = [
  { name: "host-wide bypass", path: "" },
  { name: "secret", path: normalPath("/secret") },
  { name: "secret admin", path: normalPath("/secret/admin") },
  { name: "s", path: normalPath("/s") },
];

describe("the gateway's path decision, read by every origin", () => {
  it("forwards a path only when Node's URL, a lenient and a strict decoder select the application it chose", () => {
    let forwarded = 0;
    fc.assert(
      fc.property(rawPath, fc.subarray(APPS, { minLength: 2 }), (raw, apps) => {
        // What the Worker sees (and forwards): the URL as workerd parses the request target.
        const pathname = new URL(`https://victim.test${raw}`).pathname;
        const selected = selectApp(apps, pathname);
        if ("refused" in selected) return;
        forwarded++;
        for (const [reader, read] of Object.entries(READERS)) {
          const path = read(pathname);
          if (path === null) continue; // that origin refuses the request itself
          expect(
            claimedBy(apps, path)?.name,
            `${reader} reads ${JSON.stringify(pathname)} (sent as ${JSON.stringify(raw)}) as ${path}`,
          ).toBe(selected.app?.name);
        }
      }),
      { numRuns: RUNS },
    );
    // The property would hold vacuously if everything were refused.
    expect(forwarded).toBeGreaterThan(RUNS / 10);
  });

  it("refuses each of the red team's spellings that reached the wrong application", () => {
    const apps = [APPS[0]!, APPS[1]!];
    for (const raw of RED_TEAM_PATHS) {
      const selected = selectApp(apps, new URL(`https://victim.test${raw}`).pathname);
      expect(selected, raw).toHaveProperty("refused");
    }
    expect(selectApp(apps, "/secret/report")).toEqual({ app: APPS[1] });
    expect(selectApp(apps, "/public/report")).toEqual({ app: APPS[0] });
  });
});
