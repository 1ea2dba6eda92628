/** Where Access applications live: parsing a `domain`, the normal form of paths, and which application claims a request. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AppRoute,
  canonicalHost,
  normalPath,
  parseDomain,
  readRequestPath,
  requestHost,
  selectApp,
} from "../../../src/core/access/app-domain";

/** The entry `selectApp` picks, or "ambiguous" when it refuses the path. */
function mostSpecific<T extends { path: string }>(entries: readonly T[], requestPath: string): T | undefined | "ambiguous" {
  const selected = selectApp(entries, requestPath);
  return "refused" in selected ? "ambiguous" : selected.app;
}

/** The route `domain` parses to; fails the test with the refusal otherwise. */
function route(domain: string): AppRoute {
  const parsed = parseDomain(domain);
  if (typeof parsed === "string") throw new Error(`${JSON.stringify(domain)} refused: ${parsed}`);
  return parsed;
}

describe("parseDomain", () => {
  it("takes a host alone as the whole host", () => {
    expect(parseDomain("app.example.com")).toEqual({ host: "app.example.com", path: "" });
    expect(parseDomain("localhost")).toEqual({ host: "localhost", path: "" });
    expect(parseDomain("  app.example.com  ")).toEqual({ host: "app.example.com", path: "" });
  });

  it("takes a host and a path, the path in normal form", () => {
    expect(parseDomain("app.example.com/admin")).toEqual({ host: "app.example.com", path: "/admin" });
    expect(parseDomain("app.example.com/Admin/Users/")).toEqual({ host: "app.example.com", path: "/admin/users" });
    expect(parseDomain("app.example.com//admin//y")).toEqual({ host: "app.example.com", path: "/admin/y" });
    expect(parseDomain("app.example.com/%61dmin")).toEqual({ host: "app.example.com", path: "/admin" });
    expect(parseDomain("app.example.com/")).toEqual({ host: "app.example.com", path: "" });
  });

  it("lower-cases the host and drops a trailing dot", () => {
    expect(route("App.EXAMPLE.com")).toEqual({ host: "app.example.com", path: "" });
    expect(route("app.example.com.")).toEqual({ host: "app.example.com", path: "" });
    expect(route("APP.example.com./admin")).toEqual({ host: "app.example.com", path: "/admin" });
  });

  it("refuses a port: a port never changes which application decides", () => {
    for (const domain of [
      "app.example.com:8443",
      "app.example.com:8443/admin",
      "app.example.com.:8443",
      "app.example.com:443",
      "app.example.com:",
    ]) {
      expect(parseDomain(domain), domain).toMatch(/must not have a port/);
    }
  });

  it("writes an IDN as its A-label, as a request's URL carries it", () => {
    expect(route("Bücher.example/Admin")).toEqual({ host: "xn--bcher-kva.example", path: "/admin" });
    expect(route("xn--bcher-kva.example")).toEqual({ host: "xn--bcher-kva.example", path: "" });
    expect(canonicalHost("BÜCHER.example.")).toBe("xn--bcher-kva.example");
  });

  it("refuses what the URL parser would read as another host: credentials, escapes, brackets", () => {
    for (const host of ["evil@victim.test", "victim.test%2f", "%76ictim.test", "[::1]", "victim.test\\x", "a b.test"]) {
      expect(canonicalHost(host), host).toMatchObject({ refused: expect.any(String) });
    }
  });

  it("refuses wildcards, schemes, queries, fragments, bad hosts and the empty string, saying why", () => {
    const refusals: [string, RegExp][] = [
      ["*.example.com", /wildcards are not supported/],
      ["app.example.com/*", /wildcards are not supported/],
      ["https://x.example.com", /without a scheme/],
      ["HTTP://x.example.com/admin", /without a scheme/],
      ["x.example.com/a?b", /without query or fragment/],
      ["x.example.com/#f", /without query or fragment/],
      ["bad host", /without query or fragment/],
      ["-x.example.com", /must be a host name/],
      ["x-.example.com", /must be a host name/],
      ["x..example.com", /must be a host name/],
      ["x_y.example.com", /must be a host name/],
      ["x.example.com:0", /must not have a port/],
      ["/admin", /must be a host name/],
      ["", /must be a host name/],
      ["   ", /must be a host name/],
      [`${"a".repeat(64)}.example.com`, /must be a host name/],
      ["app.example.com/%zz", /every origin reads alike: it has a malformed percent-escape/],
      ["app.example.com/a%00", /every origin reads alike: it has a control character/],
      ["app.example.com/secret::$DATA", /every origin reads alike: it has an NTFS stream/],
      ["app.example.com/..", /must not have \. or \.\. segments/],
      ["app.example.com/admin/./x", /must not have \. or \.\. segments/],
      ["app.example.com/admin/../x", /must not have \. or \.\. segments/],
    ];
    for (const [domain, why] of refusals) {
      const parsed = parseDomain(domain);
      expect(typeof parsed, JSON.stringify(domain)).toBe("string");
      expect(parsed, JSON.stringify(domain)).toMatch(why);
    }
  });

  it("refuses . and .. segments however they are spelled: escaped, or beside a backslash", () => {
    // Each of these would otherwise claim another path than it reads as (the first two, the whole host).
    for (const domain of [
      "app.example.com/%2e%2e",
      "app.example.com/%2E%2E/admin",
      "app.example.com/admin/%2e",
      "app.example.com/admin/x%2F..",
      "app.example.com/admin%5C..",
      "app.example.com/admin\\..",
      "app.example.com/admin/x\\..\\y",
    ]) {
      expect(parseDomain(domain), domain).toMatch(/must not have \. or \.\. segments/);
    }
    // Dots inside a segment are no dot segment.
    expect(parseDomain("app.example.com/v1.2/..x/.well-known")).toEqual({ host: "app.example.com", path: "/v1.2/..x/.well-known" });
  });
});

describe("requestHost", () => {
  it("is the canonical host without port, or null when the URL's host is no host name", () => {
    expect(requestHost(new URL("https://Victim.Test.:8443/x"))).toBe("victim.test");
    expect(requestHost(new URL("https://bücher.example/"))).toBe("xn--bcher-kva.example");
    for (const url of ["https://victim.test../x", "https://.victim.test/x", "https://victim.test\u3002\u3002/x", "https://[::1]/x"]) {
      expect(requestHost(new URL(url)), url).toBeNull();
    }
  });
});

describe("readRequestPath", () => {
  it("refuses what origins read differently, before any application is looked for, saying what", () => {
    const refused: [string, RegExp][] = [
      ["/%73ecret/report%zz", /malformed percent-escape/],
      ["/s%65cret/x%GG", /malformed percent-escape/],
      ["/secret/%f", /malformed percent-escape/],
      ["/secret/100%", /malformed percent-escape/],
      ["/%2fsecret/%zz", /malformed percent-escape/],
      ["/%2fsecret", /escaped or backslash separator/],
      ["/x/..%2Fsecret", /escaped or backslash separator/],
      ["/x%5csecret", /escaped or backslash separator/],
      ["/x\\secret", /escaped or backslash separator/],
      ["/x/%2e%2e/secret", /escaped dot/],
      ["/%73ecret/%ff", /not UTF-8/],
      ["/%c3", /not UTF-8/],
      ["/secret%00.txt", /control character/],
      ["/secret%0a", /control character/],
      ["/secret%7F", /control character/],
      ["/secret::$DATA", /NTFS stream/],
      ["/secret::$INDEX_ALLOCATION/x", /NTFS stream/],
      ["/secret%3a%3a$DATA", /NTFS stream/],
      // Found by the attack on the fixed gateway:
      ["/secret%3Fx/y", /escaped \? or #/],
      ["/secret%23/y", /escaped \? or #/],
      ["/secret%252fx", /escaped or backslash separator/],
      ["/secret%2500/x", /control character/],
      ["/x/%252e%252e/secret", /escaped dot/],
      ["/ADMINI~1/x", /8\.3 short name/],
      ["/x/progra~2.htm", /8\.3 short name/],
    ];
    for (const [path, why] of refused) {
      const read = readRequestPath(path);
      expect(read, path).toHaveProperty("refused");
      expect((read as { refused: string }).refused, path).toMatch(why);
    }
  });

  it("takes plain paths and valid escapes as they are", () => {
    for (const path of ["/", "/secret/x", "/%73ecret", "/caf%C3%A9", "/a;b=c", "/v1.2/x", "/a:b", "/100%25", "/~user/x", "/a~b"]) {
      expect(readRequestPath(path), path).toEqual({ path });
    }
  });
});

describe("normalPath", () => {
  it("decodes percent-escapes", () => {
    expect(normalPath("/%61dmin")).toBe("/admin");
    expect(normalPath("/%41DMIN/%75sers")).toBe("/admin/users");
  });

  it("folds letters to lower case and drops a trailing slash", () => {
    expect(normalPath("/ADMIN/")).toBe("/admin");
    expect(normalPath("/Admin/Users")).toBe("/admin/users");
  });

  it("collapses repeated slashes", () => {
    expect(normalPath("//admin///x")).toBe("/admin/x");
    expect(normalPath("///")).toBe("");
  });

  it("resolves dot segments after decoding, however the slashes around them are spelled", () => {
    expect(normalPath("/public/..%2Fadmin")).toBe("/admin");
    expect(normalPath("/public%2F..%2Fadmin")).toBe("/admin");
    expect(normalPath("/public/%2e%2e/admin")).toBe("/admin");
    expect(normalPath("/public/%2E%2E%2fadmin")).toBe("/admin");
    expect(normalPath("/a/./b")).toBe("/a/b");
    expect(normalPath("/a/%2e/b")).toBe("/a/b");
    expect(normalPath("/a/b/..")).toBe("/a");
  });

  it("never climbs above the root", () => {
    expect(normalPath("/../admin")).toBe("/admin");
    expect(normalPath("/../../..")).toBe("");
    expect(normalPath("/a/../../admin")).toBe("/admin");
  });

  it("writes the root, and no path, as the empty string", () => {
    expect(normalPath("/")).toBe("");
    expect(normalPath("")).toBe("");
    expect(normalPath("/.")).toBe("");
    expect(normalPath("/a/..")).toBe("");
  });

  it("keeps a malformed escape as it is, lower-cased", () => {
    expect(normalPath("/%zz")).toBe("/%zz");
    expect(normalPath("/%ZZ/Admin")).toBe("/%zz/admin");
    expect(normalPath("/%E0%A4%A")).toBe("/%e0%a4%a");
  });

  it("takes backslashes, written or escaped, as separators", () => {
    expect(normalPath("/admin\\x")).toBe("/admin/x");
    expect(normalPath("\\admin\\\\x")).toBe("/admin/x");
    expect(normalPath("/public\\..\\admin")).toBe("/admin");
    expect(normalPath("/public%5C..%5Cadmin")).toBe("/admin");
  });

  it("is idempotent on paths without escapes (property)", () => {
    const plain = fc.stringMatching(/^[a-zA-Z0-9/.\\_-]{0,30}$/);
    fc.assert(fc.property(plain, (p) => normalPath(normalPath(p)) === normalPath(p)));
  });

  it("is empty or starts with one slash, without empty, `.` or `..` segments or upper case (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (p) => {
        const n = normalPath(p);
        if (n === "") return;
        expect(n.startsWith("/")).toBe(true);
        for (const segment of n.slice(1).split("/")) {
          expect(["", ".", ".."]).not.toContain(segment);
          expect(segment).toBe(segment.toLowerCase());
        }
      }),
    );
  });
});

describe("mostSpecific", () => {
  const entries = [
    { path: "", name: "root" },
    { path: "/admin", name: "admin" },
    { path: "/admin/billing", name: "billing" },
    { path: "/api", name: "api" },
  ];
  /** The name of the entry picked, or "ambiguous". */
  const pick = (requestPath: string, from = entries) => {
    const picked = mostSpecific(from, requestPath);
    return picked === "ambiguous" ? picked : picked?.name;
  };

  it("picks the entry claiming the longest path the request lies under, whatever the entries' order", () => {
    expect(pick("/admin/billing/invoices")).toBe("billing");
    expect(pick("/admin/billing")).toBe("billing");
    expect(pick("/admin/users")).toBe("admin");
    expect(pick("/admin")).toBe("admin");
    expect(pick("/api/v1")).toBe("api");
    expect(pick("/admin/billing/x", [...entries].reverse())).toBe("billing");
  });

  it("claims whole segments only: /admin does not claim /administrator", () => {
    expect(pick("/administrator")).toBe("root");
    expect(pick("/admin-panel")).toBe("root");
    expect(pick("/apis")).toBe("root");
    expect(pick("/administrator", entries.slice(1))).toBeUndefined();
  });

  it("lets the root entry claim every path", () => {
    expect(pick("/")).toBe("root");
    expect(pick("")).toBe("root");
    expect(pick("/anything/at/all")).toBe("root");
  });

  it("answers undefined when no entry claims the path", () => {
    const noRoot = entries.slice(1);
    expect(pick("/public", noRoot)).toBeUndefined();
    expect(pick("/", noRoot)).toBeUndefined();
    expect(mostSpecific([], "/admin")).toBeUndefined();
  });

  it("puts every spelling of an /admin path that origins agree on in the /admin entry", () => {
    for (const spelling of ["/ADMIN/x", "//admin//x", "/./admin/", "/admin/x/"]) {
      expect(pick(spelling), spelling).toBe("admin");
    }
    // Escaped letters are /admin to a decoding origin, and not to Node's URL or Express: refused.
    for (const spelling of ["/%61dmin", "/%61DMIN/users", "\\admin\\x"]) expect(pick(spelling), spelling).toBe("ambiguous");
    expect(pick("/ADMIN/Billing/x")).toBe("billing");
    expect(pick("/ADMIN/Billing/../Billing/x")).toBe("billing");
  });

  it("answers ambiguous when origins would read the path under different entries", () => {
    for (const spelling of [
      "/public/..%2Fadmin", // an origin that keeps %2F inside its segment reads /public/..%2fadmin
      "/public%2F..%2Fadmin/x",
      "/admin;x=1", // Tomcat, Jetty and Spring drop ;params: /admin
      "/public/..;/admin",
      "/admin./x", // Windows drops trailing dots: /admin/x
      "/%2561dmin", // decoded twice: /admin
      "/\uFF41dmin", // fullwidth a, folded: /admin
      "/admin%2f..%2fsecret", // decoded: /secret; a router matching before resolving dots: /admin/…
      "/admin/..%2fsecret",
      "/admin/..%5csecret",
      // A `..` that leaves an entry is read unresolved too (Windows' reading drops its dots), so
      // refused rather than resolved one way. (Workers' URL parser resolves literal dot segments first.)
      "/admin/../api",
      "/public/../admin",
      "/public/%2e%2e/admin",
      "/%2561dmin;x", // decoded twice and ;params dropped, by one origin: /admin
      // An origin that folds Unicode folds the whole path before splitting and trimming (found by the attack):
      "/public%EF%BC%8F..%EF%BC%8Fadmin", // fullwidth solidus: /public/../admin
      "/public%EF%BC%BC..%EF%BC%BCadmin", // fullwidth reverse solidus
      "/admin%C2%A0/x", // no-break space, folded to a space, then trimmed as Windows trims
      "/admin%EF%BC%8E/x", // fullwidth full stop
    ]) {
      expect(pick(spelling), spelling).toBe("ambiguous");
    }
    // Where every reading lands in one entry, there is nothing to refuse.
    expect(pick("/public/%C3%A9t%C3%A9")).toBe("root");
    expect(pick("/admin/x;y=1")).toBe("admin");
    expect(pick("/admin;x=1", entries.slice(1))).toBe("ambiguous"); // one entry, or none
    expect(pick("/admin;x=1", [])).toBeUndefined();
  });

  it("unless ambiguous, picks an entry whose path is a segment-prefix of the request's normal path, and none longer exists (property)", () => {
    // Small alphabets, so that entries and requests overlap often.
    const segment = fc.constantFrom("a", "A", "b", "ab", "%61", "%2F", "%2e%2e", "..", ".", "", "\\", "c", "%C3%A9");
    const rawPath = fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join("/")}`);
    const entriesArb = fc.array(
      rawPath.map((p) => ({ path: normalPath(p) })),
      { maxLength: 6 },
    );
    const segments = (p: string) => (p === "" ? [] : p.slice(1).split("/"));
    /** Whether `claimed`'s segments start `path`'s, compared segment by segment. */
    const segmentPrefix = (claimed: string, path: string) => {
      const c = segments(claimed);
      const p = segments(path);
      return c.length <= p.length && c.every((s, i) => s === p[i]);
    };
    fc.assert(
      fc.property(entriesArb, fc.oneof(rawPath, fc.string({ maxLength: 20 })), (list, requestPath) => {
        const path = normalPath(requestPath);
        const claiming = list.filter((e) => segmentPrefix(e.path, path));
        const best = mostSpecific(list, requestPath);
        if (best === "ambiguous") {
          // Only a path some reading can disagree on (escapes, dots, backslashes, …, or an 8.3 short name) is ambiguous.
          expect(/[^A-Za-z0-9\-_/~!$&'()*+,=:@]/.test(requestPath) || /(^|\/)[^/~]{1,6}~[0-9]/.test(requestPath), requestPath).toBe(true);
          return;
        }
        if (claiming.length === 0) {
          expect(best).toBeUndefined();
          return;
        }
        expect(best).toBeDefined();
        expect(list).toContain(best);
        expect(segmentPrefix(best!.path, path)).toBe(true);
        for (const e of claiming) expect(segments(e.path).length).toBeLessThanOrEqual(segments(best!.path).length);
      }),
    );
  });

  it("never answers ambiguous for a path of plain letters, digits and slashes (property)", () => {
    const segment = fc.constantFrom("a", "A", "b", "ab", "admin", "Admin", "c", "");
    const plain = fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join("/")}`);
    const entriesArb = fc.array(
      plain.map((p) => ({ path: normalPath(p) })),
      { maxLength: 6 },
    );
    fc.assert(fc.property(entriesArb, plain, (list, requestPath) => mostSpecific(list, requestPath) !== "ambiguous"));
  });
});
