/** Access policies as the gateway enforces them: `ip` ranges, rule matching, and Access's order of evaluation. */
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import {
  type AccessRule,
  cidrProblem,
  decide,
  type EnforcedPolicy,
  inRange,
  type PolicyDecision,
  type PolicyRules,
  type RequestFacts,
  rulesMatch,
} from "../../../src/core/access/decision";

const TOKEN = "0190f3a0-3c6e-7b8a-9d41-2f5e8c1a7b90";
const OTHER_TOKEN = "0190f3a0-3c6e-7b8a-9d41-2f5e8c1a7b91";

const everyone: AccessRule = { everyone: {} };
const anyToken: AccessRule = { any_valid_service_token: {} };
const token = (id: string): AccessRule => ({ service_token: { token_id: id } });
const ip = (range: string): AccessRule => ({ ip: { ip: range } });
/** A rule of a kind this code does not enforce (Access has many: `email`, `geo`, …). */
const unknownKind = { email: { email: "alice@example.com" } } as unknown as AccessRule;

const facts = (f: Partial<RequestFacts> = {}): RequestFacts => ({ ip: null, tokenId: null, ...f });
const rules = (r: Partial<PolicyRules>): PolicyRules => ({ include: [], require: [], exclude: [], ...r });
const policy = (id: string, decision: PolicyDecision, r: Partial<PolicyRules>): EnforcedPolicy => ({ id, decision, rules: rules(r) });

describe("cidrProblem", () => {
  it("accepts IPv4 and IPv6 addresses and CIDR ranges", () => {
    for (const ok of [
      "192.0.2.0/24",
      "10.0.0.0/8",
      "0.0.0.0/0",
      "203.0.113.7/32",
      "203.0.113.7",
      "2001:db8::/32",
      "2001:DB8:1:2::/64",
      "::/0",
      "::/128",
      "::1",
      "2001:db8::1",
      "::ffff:192.0.2.0/120",
      "::ffff:192.0.2.7",
    ]) {
      expect(cidrProblem(ok), ok).toBeNull();
    }
  });

  it("refuses garbage, out-of-range prefixes, host names and the empty string, with a message", () => {
    for (const bad of [
      "",
      "garbage",
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0/",
      "/24",
      "10.0.0.0/-1",
      "256.0.0.1",
      "1.2.3.4.5",
      "2001:db8:::1",
      "example.com",
      "localhost",
      "app.example.com/24",
      "fe80::1%eth0",
      " 192.0.2.1",
      "192.0.2.0 /24",
    ]) {
      const problem = cidrProblem(bad);
      expect(problem, JSON.stringify(bad)).toMatch(/IPv4 or IPv6 address or CIDR range/);
    }
  });

  it("refuses IPv4 written other than as four decimal octets (octal, hex, short forms would name another range)", () => {
    // ipaddr.js reads `010.0.0.0/8` as octal, i.e. 8.0.0.0/8, and `10` as 0.0.0.10:
    // a range the client did not write. Access (Go's net.ParseCIDR) refuses them.
    for (const bad of ["010.0.0.0/8", "010.0.0.1", "10", "10/8", "10.1", "10.1.2", "167772160", "0xa.0.0.1", "0x0a000001"]) {
      expect(cidrProblem(bad), bad).toMatch(/IPv4 or IPv6 address or CIDR range/);
    }
  });

  it("refuses the deprecated IPv4-compatible spelling `::a.b.c.d`, which ipaddr.js would read as IPv4-mapped", () => {
    // `::192.0.2.0` is ::c000:200 (as `0::192.0.2.0` is), not ::ffff:192.0.2.0: read as mapped, the rule
    // `::192.0.2.0/120` would admit IPv4 192.0.2.0/24, and `::0.0.0.0/96` every IPv4 client.
    for (const bad of ["::192.0.2.0/120", "::192.0.2.7", "::0.0.0.0/96", "::0.0.0.0/0"]) {
      expect(cidrProblem(bad), bad).toMatch(/IPv4 or IPv6 address or CIDR range/);
    }
    // Spelled out, it is the IPv6 range it names.
    expect(cidrProblem("0::192.0.2.0/120")).toBeNull();
    expect(inRange("192.0.2.9", "0::192.0.2.0/120")).toBe(false);
    expect(inRange("0::c000:209", "0::192.0.2.0/120")).toBe(true);
  });

  it("accepts every generated IPv4 and IPv6 CIDR range (property)", () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, bits) => cidrProblem(`${address}/${bits}`) === null));
    // An IPv4-mapped range is the IPv4 range it maps, so its prefix is at least 96; `::a.b.c.d` is refused (above).
    const v6 = fc.ipV6().filter((a) => !/^::[^:]*\./.test(a));
    fc.assert(
      fc.property(v6, fc.integer({ min: 0, max: 128 }), (address, bits) => {
        const mapped = ipaddr.IPv6.parse(address).isIPv4MappedAddress();
        fc.pre(!mapped || bits >= 96);
        return cidrProblem(`${address}/${bits}`) === null;
      }),
    );
  });
});

/** An IPv4 address as a 32-bit unsigned number. */
const v4Number = (address: string) => address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);

describe("inRange", () => {
  it("places IPv4 addresses in and out of /24, /32 and /0 ranges", () => {
    expect(inRange("192.0.2.7", "192.0.2.0/24")).toBe(true);
    expect(inRange("192.0.2.255", "192.0.2.0/24")).toBe(true);
    expect(inRange("192.0.3.0", "192.0.2.0/24")).toBe(false);
    expect(inRange("192.0.1.255", "192.0.2.0/24")).toBe(false);
    expect(inRange("203.0.113.7", "203.0.113.7/32")).toBe(true);
    expect(inRange("203.0.113.8", "203.0.113.7/32")).toBe(false);
    expect(inRange("203.0.113.7", "0.0.0.0/0")).toBe(true);
    expect(inRange("0.0.0.0", "0.0.0.0/0")).toBe(true);
    expect(inRange("255.255.255.255", "0.0.0.0/0")).toBe(true);
  });

  it("treats a bare address as exactly that address", () => {
    expect(inRange("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(inRange("203.0.113.8", "203.0.113.7")).toBe(false);
    expect(inRange("2001:db8::1", "2001:db8::1")).toBe(true);
    expect(inRange("2001:db8::2", "2001:db8::1")).toBe(false);
  });

  it("places IPv6 addresses in and out of a /64", () => {
    expect(inRange("2001:db8:1:2::1", "2001:db8:1:2::/64")).toBe(true);
    expect(inRange("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")).toBe(true);
    expect(inRange("2001:db8:1:3::1", "2001:db8:1:2::/64")).toBe(false);
    expect(inRange("2001:DB8:1:2::abcd", "2001:db8:1:2::/64")).toBe(true);
    expect(inRange("2001:db8:1:2::1", "::/0")).toBe(true);
  });

  it("counts an IPv4-mapped IPv6 client as its IPv4 address", () => {
    expect(inRange("::ffff:192.0.2.7", "192.0.2.0/24")).toBe(true);
    expect(inRange("::ffff:c000:207", "192.0.2.0/24")).toBe(true);
    expect(inRange("::ffff:192.0.3.7", "192.0.2.0/24")).toBe(false);
    expect(inRange("::ffff:192.0.2.7", "192.0.2.7")).toBe(true);
  });

  it("counts an IPv4-mapped IPv6 range as the IPv4 range it maps", () => {
    expect(inRange("192.0.2.9", "::ffff:192.0.2.0/120")).toBe(true);
    expect(inRange("192.0.3.9", "::ffff:192.0.2.0/120")).toBe(false);
    expect(inRange("::ffff:192.0.2.9", "::ffff:192.0.2.0/120")).toBe(true);
    expect(inRange("192.0.2.9", "::ffff:192.0.2.9")).toBe(true);
    expect(inRange("192.0.2.9", "::ffff:192.0.2.9/128")).toBe(true);
    expect(inRange("192.0.2.10", "::ffff:192.0.2.9/128")).toBe(false);
  });

  it("never places an IPv4 address in a (non-mapped) IPv6 range, nor the reverse", () => {
    expect(inRange("192.0.2.7", "2001:db8::/32")).toBe(false);
    expect(inRange("192.0.2.7", "::/0")).toBe(false);
    expect(inRange("2001:db8::1", "192.0.2.0/24")).toBe(false);
    expect(inRange("2001:db8::1", "0.0.0.0/0")).toBe(false);
  });

  it("answers null (not known) for no address, garbage on either side, or a loose spelling", () => {
    expect(inRange(null, "0.0.0.0/0")).toBeNull();
    expect(inRange("garbage", "192.0.2.0/24")).toBeNull();
    expect(inRange("", "0.0.0.0/0")).toBeNull();
    expect(inRange("example.com", "0.0.0.0/0")).toBeNull();
    expect(inRange("192.0.2.7, 198.51.100.1", "0.0.0.0/0")).toBeNull();
    expect(inRange("fe80::1%eth0", "::/0")).toBeNull();
    expect(inRange("3221226055", "192.0.2.0/24")).toBeNull(); // 192.0.2.71 as one number
    expect(inRange("192.0.2.7", "garbage")).toBeNull();
    expect(inRange("192.0.2.7", "")).toBeNull();
    expect(inRange("192.0.2.7", "192.0.2.0/33")).toBeNull();
    expect(inRange("2001:db8::1", "2001:db8::/129")).toBeNull();
    expect(inRange("8.1.2.3", "010.0.0.0/8")).toBeNull(); // not 8.0.0.0/8
  });

  it("agrees with prefix arithmetic on IPv4 (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, network, bits) => {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        const expected = (v4Number(address) & mask) >>> 0 === (v4Number(network) & mask) >>> 0;
        expect(inRange(address, `${network}/${bits}`)).toBe(expected);
      }),
    );
  });

  it("answers the same for an IPv4 client and its IPv4-mapped spelling (property)", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (address, network, bits) => {
        expect(inRange(`::ffff:${address}`, `${network}/${bits}`)).toBe(inRange(address, `${network}/${bits}`));
        expect(inRange(address, `::ffff:${network}/${96 + bits}`)).toBe(inRange(address, `${network}/${bits}`));
      }),
    );
  });

  it("always contains an address in its own /32 or /128 and in /0 of its family (property)", () => {
    fc.assert(fc.property(fc.ipV4(), (a) => inRange(a, `${a}/32`) === true && inRange(a, "0.0.0.0/0") === true));
    const v6 = fc.ipV6().filter((a) => !/^::[^:]*\./.test(a)); // `::a.b.c.d` is refused (see cidrProblem)
    fc.assert(fc.property(v6, (a) => inRange(a, `${a}/128`) === true && (inRange(a, "::/0") || inRange(a, "0.0.0.0/0")) === true));
  });
});

describe("rulesMatch", () => {
  const client = facts({ ip: "192.0.2.7", tokenId: TOKEN });

  it("needs any one include rule to match", () => {
    expect(rulesMatch(rules({ include: [token(OTHER_TOKEN), ip("192.0.2.0/24")] }), client)).toBe(true);
    expect(rulesMatch(rules({ include: [token(OTHER_TOKEN), ip("198.51.100.0/24")] }), client)).toBe(false);
  });

  it("never matches with no include rule, whatever require says", () => {
    expect(rulesMatch(rules({}), client)).toBe(false);
    expect(rulesMatch(rules({ require: [everyone] }), client)).toBe(false);
  });

  it("needs every require rule to match", () => {
    expect(rulesMatch(rules({ include: [everyone], require: [token(TOKEN), ip("192.0.2.0/24")] }), client)).toBe(true);
    expect(rulesMatch(rules({ include: [everyone], require: [token(TOKEN), ip("198.51.100.0/24")] }), client)).toBe(false);
    expect(rulesMatch(rules({ include: [everyone], require: [] }), client)).toBe(true);
  });

  it("refuses when any exclude rule matches", () => {
    expect(rulesMatch(rules({ include: [everyone], exclude: [ip("198.51.100.0/24"), token(OTHER_TOKEN)] }), client)).toBe(true);
    expect(rulesMatch(rules({ include: [everyone], exclude: [ip("198.51.100.0/24"), token(TOKEN)] }), client)).toBe(false);
  });

  it("matches a service_token rule only for that token id", () => {
    expect(rulesMatch(rules({ include: [token(TOKEN)] }), facts({ tokenId: TOKEN }))).toBe(true);
    expect(rulesMatch(rules({ include: [token(TOKEN)] }), facts({ tokenId: OTHER_TOKEN }))).toBe(false);
    expect(rulesMatch(rules({ include: [token(TOKEN)] }), facts({ tokenId: null }))).toBe(false);
    expect(rulesMatch(rules({ include: [token(TOKEN.toUpperCase())] }), facts({ tokenId: TOKEN }))).toBe(false);
  });

  it("matches any_valid_service_token for any token, and never without one", () => {
    expect(rulesMatch(rules({ include: [anyToken] }), facts({ tokenId: TOKEN }))).toBe(true);
    expect(rulesMatch(rules({ include: [anyToken] }), facts({ tokenId: OTHER_TOKEN }))).toBe(true);
    expect(rulesMatch(rules({ include: [anyToken] }), facts({ ip: "192.0.2.7", tokenId: null }))).toBe(false);
  });

  it("matches everyone, with or without a token or an address", () => {
    expect(rulesMatch(rules({ include: [everyone] }), facts())).toBe(true);
    expect(rulesMatch(rules({ include: [everyone] }), client)).toBe(true);
  });

  it("fails closed on an ip rule for a request without a (readable) address: no include or require match, and it is excluded", () => {
    for (const address of [null, "garbage", "192.0.2.7, 198.51.100.1"]) {
      const f = facts({ ip: address, tokenId: TOKEN });
      expect(rulesMatch(rules({ include: [ip("0.0.0.0/0")] }), f), String(address)).toBe(false);
      expect(rulesMatch(rules({ include: [ip("::/0")] }), f), String(address)).toBe(false);
      expect(rulesMatch(rules({ include: [everyone], require: [ip("0.0.0.0/0")] }), f), String(address)).toBe(false);
      expect(rulesMatch(rules({ include: [everyone], exclude: [ip("198.51.100.0/24")] }), f), String(address)).toBe(false);
    }
    expect(rulesMatch(rules({ include: [ip("0.0.0.0/0")] }), facts({ ip: "192.0.2.7" }))).toBe(true);
    expect(rulesMatch(rules({ include: [everyone], exclude: [ip("198.51.100.0/24")] }), facts({ ip: "192.0.2.7" }))).toBe(true);
  });

  it("fails closed on a rule of an unknown kind: no include or require match, and it is excluded", () => {
    expect(rulesMatch(rules({ include: [unknownKind] }), client)).toBe(false);
    expect(rulesMatch(rules({ include: [everyone], require: [unknownKind] }), client)).toBe(false);
    expect(rulesMatch(rules({ include: [unknownKind, everyone] }), client)).toBe(true);
    expect(rulesMatch(rules({ include: [everyone], exclude: [unknownKind] }), client)).toBe(false);
    // No key at all, or a mis-cased one, names no kind either.
    for (const odd of [{}, { Everyone: {} }, { IP: { ip: "0.0.0.0/0" } }] as unknown as AccessRule[]) {
      expect(rulesMatch(rules({ include: [odd] }), client), JSON.stringify(odd)).toBe(false);
    }
  });
});

describe("decide", () => {
  const withToken = facts({ ip: "192.0.2.7", tokenId: TOKEN });
  const anonymous = facts({ ip: "192.0.2.7", tokenId: null });

  it("lets the first matching bypass or Service Auth policy, in array order, decide", () => {
    const bypass = policy("bypass-office", "bypass", { include: [ip("192.0.2.0/24")] });
    const serviceAuth = policy("ci-token", "non_identity", { include: [token(TOKEN)] });
    expect(decide([bypass, serviceAuth], withToken)).toEqual({ admit: "bypass", policyId: "bypass-office" });
    expect(decide([serviceAuth, bypass], withToken)).toEqual({ admit: "service_auth", policyId: "ci-token" });
    expect(decide([serviceAuth, bypass], anonymous)).toEqual({ admit: "bypass", policyId: "bypass-office" });
  });

  it("passes over policies that do not match", () => {
    const policies = [
      policy("other-token", "non_identity", { include: [token(OTHER_TOKEN)] }),
      policy("other-net", "bypass", { include: [ip("198.51.100.0/24")] }),
      policy("first-match", "non_identity", { include: [anyToken] }),
      policy("second-match", "non_identity", { include: [token(TOKEN)] }),
    ];
    expect(decide(policies, withToken)).toEqual({ admit: "service_auth", policyId: "first-match" });
  });

  it("never admits through a Service Auth policy without a token, even one including everyone", () => {
    const policies = [
      policy("all", "non_identity", { include: [everyone] }),
      policy("net", "non_identity", { include: [ip("0.0.0.0/0")] }),
    ];
    expect(decide(policies, anonymous)).toEqual({ admit: false, policyId: null });
    expect(decide(policies, facts())).toEqual({ admit: false, policyId: null });
    expect(decide(policies, withToken)).toEqual({ admit: "service_auth", policyId: "all" });
  });

  it("evaluates bypass and Service Auth before Block: a deny placed earlier does not stop a later match (Access's documented order)", () => {
    // Access: "Bypass and Service Auth policies are evaluated first, from top to bottom…
    // then Block policies". So precedence only orders policies within those groups.
    const deny = policy("block-all", "deny", { include: [everyone] });
    expect(decide([deny, policy("ci-token", "non_identity", { include: [token(TOKEN)] })], withToken)).toEqual({
      admit: "service_auth",
      policyId: "ci-token",
    });
    expect(decide([deny, policy("office", "bypass", { include: [ip("192.0.2.0/24")] })], anonymous)).toEqual({
      admit: "bypass",
      policyId: "office",
    });
  });

  it("names the first matching deny policy when nothing admits", () => {
    const policies = [
      policy("block-elsewhere", "deny", { include: [ip("198.51.100.0/24")] }),
      policy("ci-token", "non_identity", { include: [token(OTHER_TOKEN)] }),
      policy("block-office", "deny", { include: [ip("192.0.2.0/24")] }),
      policy("block-all", "deny", { include: [everyone] }),
    ];
    expect(decide(policies, withToken)).toEqual({ admit: false, policyId: "block-office" });
    expect(decide(policies, facts({ ip: "203.0.113.1" }))).toEqual({ admit: false, policyId: "block-all" });
  });

  it("refuses with no policy named when nothing matches, or there are no policies", () => {
    const policies = [
      policy("block-elsewhere", "deny", { include: [ip("198.51.100.0/24")] }),
      policy("ci-token", "non_identity", { include: [token(OTHER_TOKEN)] }),
      policy("empty", "bypass", {}),
    ];
    expect(decide(policies, withToken)).toEqual({ admit: false, policyId: null });
    expect(decide([], withToken)).toEqual({ admit: false, policyId: null });
    expect(decide([], facts())).toEqual({ admit: false, policyId: null });
  });

  it("never admits through a bypass policy whose ip rule meets a request without an address", () => {
    expect(decide([policy("net", "bypass", { include: [ip("0.0.0.0/0")] })], facts({ tokenId: TOKEN }))).toEqual({
      admit: false,
      policyId: null,
    });
    expect(decide([policy("not-blocked-net", "bypass", { include: [everyone], exclude: [ip("198.51.100.0/24")] })], facts())).toEqual({
      admit: false,
      policyId: null,
    });
  });

  it("never admits on a rule of an unknown kind", () => {
    expect(decide([policy("odd", "bypass", { include: [unknownKind] })], withToken)).toEqual({ admit: false, policyId: null });
    expect(decide([policy("odd", "non_identity", { include: [unknownKind] })], withToken)).toEqual({ admit: false, policyId: null });
    expect(decide([policy("odd", "bypass", { include: [everyone], require: [unknownKind] })], withToken)).toEqual({
      admit: false,
      policyId: null,
    });
    expect(decide([policy("odd", "bypass", { include: [everyone], exclude: [unknownKind] })], withToken)).toEqual({
      admit: false,
      policyId: null,
    });
  });

  it("admits only through a policy that matches, of a decision that admits, and never through deny (property)", () => {
    const ruleArb = fc.oneof(
      fc.constant(everyone),
      fc.constant(anyToken),
      fc.constantFrom(TOKEN, OTHER_TOKEN).map(token),
      fc.constantFrom("192.0.2.0/24", "198.51.100.0/24", "::/0", "0.0.0.0/0").map(ip),
    );
    const rulesArb = fc.record({
      include: fc.array(ruleArb, { maxLength: 3 }),
      require: fc.array(ruleArb, { maxLength: 2 }),
      exclude: fc.array(ruleArb, { maxLength: 2 }),
    });
    const policiesArb = fc.array(
      fc.record({ decision: fc.constantFrom<PolicyDecision>("bypass", "non_identity", "deny"), rules: rulesArb }),
      { maxLength: 6 },
    );
    const factsArb = fc.record({
      ip: fc.constantFrom(null, "192.0.2.7", "198.51.100.1", "2001:db8::1", "::ffff:192.0.2.7", "garbage"),
      tokenId: fc.constantFrom(null, TOKEN, OTHER_TOKEN),
    });
    fc.assert(
      fc.property(policiesArb, factsArb, (drafts, f) => {
        const policies = drafts.map((p, i) => ({ id: `p${i}`, ...p }));
        const admitting = policies.filter(
          (p) => p.decision !== "deny" && !(p.decision === "non_identity" && f.tokenId === null) && rulesMatch(p.rules, f),
        );
        const verdict = decide(policies, f);
        if (admitting[0]) {
          expect(verdict).toEqual({ admit: admitting[0].decision === "bypass" ? "bypass" : "service_auth", policyId: admitting[0].id });
        } else {
          const blocking = policies.find((p) => p.decision === "deny" && rulesMatch(p.rules, f));
          expect(verdict).toEqual({ admit: false, policyId: blocking?.id ?? null });
        }
      }),
    );
  });
});
