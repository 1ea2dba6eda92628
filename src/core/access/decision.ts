/**
 * Access policies, and how the gateway decides with them. The rules are
 * Access's own language (one-key objects such as `{"service_token":
 * {"token_id": …}}`), kept as they are on the wire so that what a client
 * stored is what it reads back and what is enforced.
 *
 * Order of evaluation, as Access documents it ("Order of enforcement"):
 * Bypass and Service Auth (`non_identity`) policies first, by precedence,
 * the first that matches deciding; then Block (`deny`). Nothing matching
 * means no admission. `allow` needs user identities, which edgekeys does not
 * have, so it is refused when a policy is written.
 */
import ipaddr from "ipaddr.js";

export const POLICY_DECISIONS = ["non_identity", "bypass", "deny"] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

/** The rule kinds edgekeys enforces; each rule is an object with exactly one of these keys. */
export const RULE_KINDS = ["service_token", "any_valid_service_token", "everyone", "ip"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export type AccessRule =
  | { service_token: { token_id: string } }
  | { any_valid_service_token: Record<string, never> }
  | { everyone: Record<string, never> }
  | { ip: { ip: string } };

/** A request matches when any `include`, every `require` and no `exclude` rule matches. */
export interface PolicyRules {
  include: AccessRule[];
  require: AccessRule[];
  exclude: AccessRule[];
}

export interface AccessPolicy {
  id: string;
  orgId: string;
  /** The one application that owns it; null for a reusable (account-level) policy. */
  appId: string | null;
  name: string;
  decision: PolicyDecision;
  rules: PolicyRules;
  /** Every other field the client sent (`session_duration`, …), returned as stored. */
  settings: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** What a request brings to a policy. */
export interface RequestFacts {
  /** The client's address (CF-Connecting-IP), if any. */
  ip: string | null;
  /**
   * The Access service token that authenticated, if it belongs to the
   * application's account; null without one (or for any other credential).
   */
  tokenId: string | null;
}

/**
 * An address in one spelling only: a four-part decimal IPv4 address, or an
 * IPv6 address without a zone id; IPv4-mapped IPv6 is its IPv4 address. The
 * looser forms a parser may accept (`0xc0.0.2.5`, `3221226053`, `10.1`) are
 * refused: they would make a rule or a client address mean what it does not say.
 */
export function strictAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!text.includes(":") || text.includes("%") || !ipaddr.IPv6.isValid(text)) return null;
  // ipaddr.js reads the deprecated IPv4-compatible `::192.0.2.1` (::c000:201) as IPv4-mapped: refused, it would name another address.
  if (/^::[^:]*\.[^:]*$/.test(text)) return null;
  // An embedded IPv4 tail (`::ffff:192.0.2.1`) must be four-part decimal too.
  const tail = /:([^:]*\.[^:]*)$/.exec(text)?.[1];
  if (tail !== undefined && !ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
  return ipaddr.process(text);
}

/** An address or CIDR range in one spelling only (see `strictAddress`), as a network and prefix length. */
export function strictRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  const [address = "", bits, ...more] = text.split("/");
  const net = strictAddress(address);
  if (!net || more.length) return null;
  const max = net.kind() === "ipv4" ? 32 : 128;
  if (bits === undefined) return [net, max];
  if (!/^\d{1,3}$/.test(bits)) return null;
  // A mapped IPv6 range (`::ffff:192.0.2.0/120`) is the IPv4 range it maps.
  const prefix = Number(bits) - (net.kind() === "ipv4" && address.includes(":") ? 96 : 0);
  return prefix >= 0 && prefix <= max ? [net, prefix] : null;
}

/** The problem with an `ip` rule's range, or null when it is an IPv4/IPv6 address or CIDR range. */
export function cidrProblem(text: string): string | null {
  return strictRange(text) ? null : "must be an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24), written out in full";
}

/**
 * Whether `address` lies in `range`; null when the address is not one (absent,
 * a list, a zone id, a loose spelling): the caller decides what an unknown
 * address means. IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function inRange(address: string | null, range: string): boolean | null {
  const addr = address === null ? null : strictAddress(address.trim());
  const net = strictRange(range);
  if (!addr || !net) return null;
  return addr.kind() === net[0].kind() && addr.match(net);
}

/**
 * Whether one rule matches. An `ip` rule facing an unknown address fails
 * closed: it does not match where matching would admit (`include`, `require`)
 * and does match where matching would refuse (`exclude`).
 */
function ruleMatches(rule: AccessRule, facts: RequestFacts, unknownIpMatches: boolean): boolean {
  if ("everyone" in rule) return true;
  if ("any_valid_service_token" in rule) return facts.tokenId !== null;
  if ("service_token" in rule) return facts.tokenId !== null && facts.tokenId === rule.service_token.token_id;
  if ("ip" in rule) return inRange(facts.ip, rule.ip.ip) ?? unknownIpMatches;
  return unknownIpMatches; // a kind this code does not know fails closed the same way
}

/** Whether the request matches the policy's rules (its decision aside). */
export function rulesMatch(rules: PolicyRules, facts: RequestFacts): boolean {
  return (
    rules.include.some((r) => ruleMatches(r, facts, false)) &&
    rules.require.every((r) => ruleMatches(r, facts, false)) &&
    !rules.exclude.some((r) => ruleMatches(r, facts, true))
  );
}

/** A policy as the gateway evaluates it. */
export interface EnforcedPolicy {
  id: string;
  decision: PolicyDecision;
  rules: PolicyRules;
}

export type Verdict =
  /** Admitted without credentials: forwarded with no assertion. */
  | { admit: "bypass"; policyId: string }
  /** Admitted as the service token: forwarded with its assertion. */
  | { admit: "service_auth"; policyId: string }
  /** Refused by a Block policy, or by no policy admitting. */
  | { admit: false; policyId: string | null };

/**
 * The decision for a request on an application whose policies are given in
 * ascending precedence. A Service Auth policy admits only with a token: with
 * `tokenId` null it is skipped, whatever its rules say (`everyone` included).
 */
export function decide(policies: readonly EnforcedPolicy[], facts: RequestFacts): Verdict {
  for (const policy of policies) {
    if (policy.decision === "deny") continue;
    if (policy.decision === "non_identity" && facts.tokenId === null) continue;
    if (rulesMatch(policy.rules, facts)) return { admit: policy.decision === "bypass" ? "bypass" : "service_auth", policyId: policy.id };
  }
  const blocking = policies.find((p) => p.decision === "deny" && rulesMatch(p.rules, facts));
  return { admit: false, policyId: blocking?.id ?? null };
}
