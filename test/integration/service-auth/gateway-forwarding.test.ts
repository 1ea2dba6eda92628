/**
 * What the gateway forwards, and where: attacks on the forwarded request.
 * - The path never chooses the host (property-based over hostile paths: slashes,
 *   backslashes, `@`, percent-encoded separators, dot segments, tabs, non-ASCII),
 *   checked three ways: the echo origin saw the request, the canary server (a
 *   second host on this machine) never did, and every outbound fetch went to the
 *   configured origin.
 * - Hop-by-hop headers, and those `Connection` names, stop at the gateway.
 * - The assertion's audience comes from configuration, never from the request.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { account, createToken } from "../../helpers/cloudflare";
import { BASE, callWithEnv, type CallOptions } from "../../helpers/http";
import { clientHeaders, identity, orgWithToken } from "../../helpers/service-auth";

type Org = Awaited<ReturnType<typeof orgWithToken>>;

let o: Org;
let headers: Record<string, string>;
beforeAll(async () => {
  o = await orgWithToken();
  headers = clientHeaders(o.token.client_id, o.token.client_secret);
});

const through = (origin: string, path: string, opts: CallOptions = {}, extra: Record<string, string> = {}) =>
  callWithEnv({ ORIGIN_URL: origin, GATEWAY_ACCOUNT_ID: o.org.account_id, ...extra }, "GET", path, {
    ...opts,
    headers: { ...headers, ...opts.headers },
  });

/** Every URL the Worker fetches during `run` (the calls still go through). */
async function outboundDuring(run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    seen.push(input instanceof Request ? input.url : String(input));
    return real(input, init);
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

describe("gateway forwarding: the path never picks the host", () => {
  const canaryHost = new URL(inject("canaryUrl")).host;
  const pieces = [
    "/",
    "//",
    "///",
    "\\",
    "/\\",
    "@",
    ":",
    "user:pw@",
    "%2f",
    "%2F",
    "%5c",
    "%5C",
    "%40",
    "..",
    ".",
    "%2e%2e",
    "%2E.",
    "\t",
    " ",
    "é",
    "日本",
    "%00",
    "?",
    "?x=1&y=//evil",
    "#frag",
    "evil.example",
    canaryHost,
    `//${canaryHost}`,
    "a",
    "v1",
  ];
  const hostilePath = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 8 }).map((parts) => `/${parts.join("")}`);

  for (const [label, suffix] of [
    ["an origin without a base path", ""],
    ["an origin with a base path", "/base/"],
  ] as const) {
    it(`reaches only the configured origin, for ${label}`, async () => {
      const origin = `${inject("originUrl")}${suffix}`;
      const originUrl = new URL(origin);
      const basePath = originUrl.pathname.replace(/\/+$/, "");
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(hostilePath, async (path) => {
          const incoming = new URL(`${BASE}${path}`);
          // The gateway leaves its own paths to edgekeys; those are not forwarded at all.
          if (/^\/(v1|admin|accounts|client\/v4|cdn-cgi)(\/|$)|^\/(healthz|openapi\.json|docs)$/.test(incoming.pathname)) return;
          let res!: Awaited<ReturnType<typeof through>>;
          const fetched = await outboundDuring(async () => {
            res = await through(origin, path);
          });
          if (res.status === 400 && /This path cannot be decided/.test(res.body.message)) {
            // A path origins read differently (escaped separators or dots, NUL, …) is refused, and nothing is fetched.
            expect(fetched, path).toEqual([]);
            return;
          }
          expect(res.headers.get("x-origin"), `${path} → ${res.status} ${res.text}`).toBe("echo");
          expect(res.body.url).toBe(basePath + incoming.pathname + incoming.search);
          expect(res.body.headers.host).toBe(originUrl.host);
          expect(fetched.length).toBeGreaterThan(0);
          for (const url of fetched) expect(new URL(url).origin, path).toBe(originUrl.origin);
          checked++;
        }),
        { numRuns: 100 },
      );
      expect(checked).toBeGreaterThan(30);
    });
  }

  it("keeps the classic protocol-relative attacks on the origin", async () => {
    const origin = inject("originUrl");
    // (and the root is the origin's in gateway mode, not a redirect to edgekeys' docs)
    expect((await through(origin, "/")).headers.get("x-origin")).toBe("echo");
    for (const path of [`//${canaryHost}/x`, `/\\${canaryHost}/x`, `///${canaryHost}/x`, `//user:pw@${canaryHost}/x`]) {
      const res = await through(origin, path);
      expect(res.headers.get("x-origin"), path).toBe("echo");
      expect(res.body.url).toBe(new URL(`${BASE}${path}`).pathname);
    }
  });
});

describe("gateway forwarding: headers", () => {
  it("drops hop-by-hop headers and every header that Connection names", async () => {
    const res = await through(inject("originUrl"), "/hop", {
      headers: {
        Connection: "X-Drop-Me, X-Drop-Too",
        "X-Drop-Me": "1",
        "X-Drop-Too": "2",
        "Proxy-Authorization": "Basic c2VjcmV0OnNlY3JldA==",
        "Proxy-Connection": "keep-alive",
        "Keep-Alive": "timeout=99",
        TE: "trailers",
        Trailer: "X-Checksum",
        Upgrade: "h2c",
        "X-Kept": "yes",
      },
    });
    expect(res.status, res.text).toBe(200);
    const seen = res.body.headers as Record<string, string>;
    for (const name of ["x-drop-me", "x-drop-too", "proxy-authorization", "proxy-connection", "te", "trailer", "upgrade"]) {
      expect(seen[name], name).toBeUndefined();
    }
    expect(seen["keep-alive"]).not.toBe("timeout=99");
    expect(seen.connection ?? "").not.toMatch(/x-drop/i);
    expect(seen["x-kept"]).toBe("yes");
  });
});

describe("gateway forwarding: Access's own headers are the gateway's to set", () => {
  it("drops every Cf-Access-* header and the CF_Authorization cookie the caller sent", async () => {
    const res = await through(inject("originUrl"), "/who", {
      headers: {
        "Cf-Access-Authenticated-User-Email": "ceo@victim.example",
        "Cf-Access-Jwt-Assertion": "forged.jwt.value",
        "CF-Access-Anything": "x",
        Cookie: "session=keep; CF_Authorization=forged; theme=dark",
      },
    });
    expect(res.status, res.text).toBe(200);
    const seen = res.body.headers as Record<string, string>;
    expect(seen["cf-access-authenticated-user-email"]).toBeUndefined();
    expect(seen["cf-access-anything"]).toBeUndefined();
    expect(seen["cf-access-jwt-assertion"]).not.toBe("forged.jwt.value");
    expect(seen["cf-access-client-id"]).toBe(o.token.client_id);
    expect(seen.cookie).toBe("session=keep; theme=dark");
  });
});

describe("gateway assertions: audience and issuer from configuration only", () => {
  const jwks = () => createLocalJWKSet({ keys: [publicJwk()] });
  const publicJwk = () => {
    const { d: _d, ...pub } = JSON.parse(env.JWT_PRIVATE_KEY!);
    return pub;
  };

  it("uses the origin's own URL origin as the audience by default, whatever the Host header says", async () => {
    const origin = `${inject("originUrl")}/base`;
    const res = await through(origin, "/aud", { headers: { Host: "attacker.example", "X-Forwarded-Host": "attacker.example" } });
    expect(res.status, res.text).toBe(200);
    const jwt = res.body.headers["cf-access-jwt-assertion"];
    const { payload } = await jwtVerify(jwt, jwks(), { issuer: "edgekeys", audience: new URL(origin).origin });
    expect(payload.common_name).toBe(o.token.client_id);
    expect(JSON.stringify(payload)).not.toContain("attacker.example");
  });

  it("uses JWT_AUDIENCE and JWT_ISSUER when configured", async () => {
    const res = await through(inject("originUrl"), "/aud", {}, { JWT_AUDIENCE: "billing-origin", JWT_ISSUER: "https://keys.example" });
    const claims = decodeJwt(res.body.headers["cf-access-jwt-assertion"]);
    expect(claims).toMatchObject({ iss: "https://keys.example", aud: ["billing-origin"] });
  });

  it("never gives a credential that the gateway refuses an assertion with the gateway's audience", async () => {
    const gatewayEnv = { ORIGIN_URL: inject("originUrl"), GATEWAY_ACCOUNT_ID: o.org.account_id, JWT_AUDIENCE: "billing-origin" };
    const stranger = await account();
    const theirs = await createToken(stranger);
    const strangerHeaders = clientHeaders(theirs.client_id, theirs.client_secret);
    // The gateway refuses the stranger's token...
    const refused = await callWithEnv(gatewayEnv, "GET", "/aud", { headers: strangerHeaders });
    expect(refused.status).toBe(403);
    // ...and what get-identity mints for it cannot pass as the gateway's.
    const minted = await identity(strangerHeaders, gatewayEnv);
    expect(minted.status).toBe(200);
    const jwt = minted.headers.get("cf-access-jwt-assertion")!;
    await expect(jwtVerify(jwt, jwks(), { issuer: "edgekeys", audience: "billing-origin" })).rejects.toThrow(/aud/);
    await expect(jwtVerify(jwt, jwks(), { issuer: "edgekeys", audience: new URL(inject("originUrl")).origin })).rejects.toThrow(/aud/);
    const { payload } = await jwtVerify(jwt, jwks(), { issuer: "edgekeys", audience: `edgekeys:account:${stranger.org.account_id}` });
    expect(payload.account_id).toBe(stranger.org.account_id);
  });
});
