/**
 * Access applications and policies between the Cloudflare wire and the core:
 * validated bodies → the core's inputs, core objects → wire JSON (wrapped by
 * `ok()` from `wire.ts`).
 */
import type { AppWithPolicies, LinkedPolicy, PolicyWithCount } from "../../core/access/ports";
import type { AppInput, PolicyInput, PolicyRef } from "../../core/access/apps";
import type { AccessPolicy } from "../../core/access/decision";
import { uuidToHex } from "../../core/shared/ids";
import { APP_READ_ONLY, type AccessAppWire, type AppBody, type PolicyEntry } from "./access-app-schemas";
import { type AppPolicyWire, POLICY_READ_ONLY, type PolicyBody, type ReusablePolicyWire } from "./access-policy-schemas";
import { omit } from "./access-schema-kit";
import { iso } from "../shared/api-key";

// ─── Requests → core ──────────────────────────────────────────────────────

/** A policy body as the core takes it: the rules apart, every other field (read-only ones aside) kept in `settings`. */
export function policyInputOf(body: PolicyBody): PolicyInput {
  const { name, decision, include, require, exclude, ...rest } = body;
  return { name, decision, rules: { include, require: require ?? [], exclude: exclude ?? [] }, settings: omit(rest, POLICY_READ_ONLY) };
}

const policyRefOf = (entry: PolicyEntry): PolicyRef =>
  "link" in entry
    ? { link: entry.link, ...(entry.precedence === undefined ? {} : { precedence: entry.precedence }) }
    : {
        inline: policyInputOf(entry.inline),
        ...(entry.id === undefined ? {} : { id: entry.id }),
        ...(entry.precedence === undefined ? {} : { precedence: entry.precedence }),
      };

/**
 * An application body as the core takes it. Its hosts and paths are `domain`
 * then the `public` destinations, or, without `destinations`, the
 * `self_hosted_domains` (as Access reads them); each names its field so that
 * a bad one is refused at its place. Everything else but `name` and
 * `policies` (`type`, `session_duration`, `destinations`, …) is `settings`.
 */
export function appInputOf(body: AppBody): AppInput {
  const { name, domain, policies, ...rest } = body;
  const more = body.destinations
    ? body.destinations.map((d, i) => ({ field: `destinations[${i}].uri`, value: d.uri }))
    : (body.self_hosted_domains ?? []).map((value, i) => ({ field: `self_hosted_domains[${i}]`, value }));
  return {
    name: name ?? domain,
    domains: [{ field: "domain", value: domain }, ...more],
    settings: omit(rest, APP_READ_ONLY),
    ...(policies === undefined ? {} : { policies: policies.map(policyRefOf) }),
  };
}

// ─── Core → answers ───────────────────────────────────────────────────────

/** Settings never hold these (they are dropped on the way in); left out again so that no stored field can shadow one. */
const POLICY_FIELDS = ["id", "name", "decision", "include", "require", "exclude", ...POLICY_READ_ONLY];
const APP_FIELDS = ["id", "aud", "name", "domain", "policies", "created_at", "updated_at"];

const policyHead = (p: AccessPolicy) => ({
  id: p.id,
  name: p.name,
  decision: p.decision,
  include: p.rules.include,
  require: p.rules.require,
  exclude: p.rules.exclude,
  ...omit(p.settings, POLICY_FIELDS),
});

const policyTail = (p: AccessPolicy) => ({ account_id: uuidToHex(p.orgId), created_at: iso(p.createdAt), updated_at: iso(p.updatedAt) });

export const reusablePolicyToWire = (p: PolicyWithCount): ReusablePolicyWire => ({
  ...policyHead(p),
  reusable: true,
  app_count: p.appCount,
  ...policyTail(p),
});

/** A policy as one application uses it: `reusable` marks one it links rather than owns. */
export const appPolicyToWire = (p: LinkedPolicy): AppPolicyWire => ({
  ...policyHead(p),
  ...(p.appId === null ? { reusable: true as const } : {}),
  precedence: p.precedence,
  ...policyTail(p),
});

export const appToWire = (app: AppWithPolicies): AccessAppWire => ({
  id: app.id,
  aud: app.aud,
  name: app.name,
  domain: app.domain,
  // Always stored (required, and defaulted); the fallbacks only type what settings hold.
  type: String(app.settings.type ?? "self_hosted"),
  session_duration: String(app.settings.session_duration ?? "24h"),
  ...omit(app.settings, APP_FIELDS),
  policies: app.policies.map(appPolicyToWire),
  created_at: iso(app.createdAt),
  updated_at: iso(app.updatedAt),
});

/** One page of an in-memory list (an application's policies are few). */
export const pageSlice = <T>(items: readonly T[], page: number, perPage: number) => items.slice((page - 1) * perPage, page * perPage);
