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

/** The problem with an `ip` rule's range, or null when it is an IPv4/IPv6 address or CIDR range. */
export function cidrProblem(text: string): string | null {
  try {
    if (text.includes("/")) ipaddr.parseCIDR(text);
    else ipaddr.parse(text);
    return /^[0-9a-fA-F:./]+$/.test(text) ? null : "must be an IPv4 or IPv6 address or CIDR range";
  } catch {
    return "must be an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24)";
  }
}

/** Whether `address` lies in `range` (an address or CIDR). IPv4-mapped IPv6 addresses count as their IPv4 address. */
export function inRange(address: string, range: string): boolean {
  try {
    const addr = ipaddr.process(address);
    const [net, bits] = range.includes("/") ? ipaddr.parseCIDR(range) : [ipaddr.process(range), -1];
    const network = net.kind() === "ipv6" && (net as ipaddr.IPv6).isIPv4MappedAddress() ? (net as ipaddr.IPv6).toIPv4Address() : net;
    if (addr.kind() !== network.kind()) return false;
    const prefix = bits < 0 ? (network.kind() === "ipv4" ? 32 : 128) : bits - (network === net ? 0 : 96);
    return addr.match(network, Math.max(prefix, 0));
  } catch {
    return false;
  }
}

function ruleMatches(rule: AccessRule, facts: RequestFacts): boolean {
  if ("everyone" in rule) return true;
  if ("any_valid_service_token" in rule) return facts.tokenId !== null;
  if ("service_token" in rule) return facts.tokenId !== null && facts.tokenId === rule.service_token.token_id;
  if ("ip" in rule) return facts.ip !== null && inRange(facts.ip, rule.ip.ip);
  return false; // a kind this code does not know matches nothing (fail closed)
}

/** Whether the request matches the policy's rules (its decision aside). */
export function rulesMatch(rules: PolicyRules, facts: RequestFacts): boolean {
  return (
    rules.include.some((r) => ruleMatches(r, facts)) &&
    rules.require.every((r) => ruleMatches(r, facts)) &&
    !rules.exclude.some((r) => ruleMatches(r, facts))
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
