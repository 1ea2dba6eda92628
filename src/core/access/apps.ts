/**
 * Access applications: a host and optional path (and more destinations),
 * the policies that decide who reaches it, and the AUD tag its assertions
 * carry. Managing them needs an owner of the account; every change writes an
 * audit event in its own batch, and tells the gateway's route table to forget
 * what it holds in this isolate (other isolates re-read within 2 s).
 */
import type { AccessApp, AccessAppStore, AppWithPolicies, AppWrite, HostApp } from "./ports";
import type { AccessPolicy } from "./decision";
import { type AppRoute, parseDomain } from "./app-domain";
import type { AuditContext } from "../shared/audit-events";
import { DomainError, invalid, notFound } from "../shared/errors";
import { bytesToHex, uuidv7 } from "../shared/ids";
import { requireOwner } from "../shared/kinds";
import type { Acting } from "../shared/model";

/** A policy's fields as a client writes them. */
export interface PolicyInput {
  name: string;
  decision: AccessPolicy["decision"];
  rules: AccessPolicy["rules"];
  settings: Record<string, unknown>;
}

/** One entry of an application's `policies`: a reusable policy by id, or an inline (app-scoped) one. */
export type PolicyRef = { link: string; precedence?: number } | { inline: PolicyInput; id?: string; precedence?: number };

export interface AppInput {
  name: string;
  /** `domain` first, then the destinations; each names the request field it came from. */
  domains: { field: string; value: string }[];
  settings: Record<string, unknown>;
  /** Absent on an update: the links stay as they are. */
  policies?: PolicyRef[];
}

export interface AppFilter {
  name?: string;
  domain?: string;
  aud?: string;
  search?: string;
  exact: boolean;
  page: number;
  perPage: number;
}

/** Owner-only, for every operation on applications and policies. */
export function authorizeAccess(acting: Acting): string {
  requireOwner(acting.role, "Managing Access applications and policies");
  return acting.orgId;
}

export const appNotFound = (id: string) => notFound("Access application", id);

/**
 * The account (org id) that the operator gave a canonical host to (ORIGINS'
 * `account_id`, or GATEWAY_ACCOUNT_ID for the hosts ORIGIN_URL serves); null
 * when nobody was given it. Only that account may put applications on it:
 * never first come.
 */
export type HostOwners = (host: string) => string | null;

export class AccessAppService {
  constructor(
    private readonly store: AccessAppStore,
    private readonly ownerOf: HostOwners,
    private readonly changed: () => void,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  async create(acting: Acting, input: AppInput): Promise<AppWithPolicies> {
    const orgId = authorizeAccess(acting);
    const now = this.now();
    const app: AccessApp = {
      id: uuidv7(now),
      orgId,
      aud: bytesToHex(crypto.getRandomValues(new Uint8Array(32))),
      name: input.name,
      domain: input.domains[0]!.value,
      settings: input.settings,
      routes: this.routesOf(orgId, input.domains),
      createdAt: now,
      updatedAt: now,
    };
    const plan = await this.planPolicies(orgId, app.id, input.policies ?? [], [], now);
    const event = this.audit.event("access_app.create", orgId, "access_app", app.id, { name: app.name, domain: app.domain }, now);
    await this.save({ app, isNew: true, ...plan, event });
    return this.get(acting, app.id);
  }

  async list(acting: Acting, f: AppFilter): Promise<{ items: AppWithPolicies[]; total: number }> {
    const orgId = authorizeAccess(acting);
    const { page, perPage, ...filters } = f;
    return this.store.listApps({ orgId, ...filters, offset: (page - 1) * perPage, limit: perPage });
  }

  async get(acting: Acting, id: string): Promise<AppWithPolicies> {
    const found = await this.store.getApp(authorizeAccess(acting), id);
    if (!found) throw appNotFound(id);
    return found;
  }

  /** A full replacement, except for `policies`, which stay as they are when absent. */
  async update(acting: Acting, id: string, input: AppInput): Promise<AppWithPolicies> {
    const current = await this.get(acting, id);
    const now = Math.max(this.now(), current.updatedAt);
    const app: AccessApp = {
      ...current,
      name: input.name,
      domain: input.domains[0]!.value,
      settings: input.settings,
      routes: this.routesOf(current.orgId, input.domains),
      updatedAt: now,
    };
    const plan = input.policies
      ? await this.planPolicies(current.orgId, id, input.policies, current.policies, now)
      : { policies: [], links: null, dropPolicies: [] };
    const event = this.audit.event("access_app.update", current.orgId, "access_app", id, { name: app.name, domain: app.domain }, now);
    await this.save({ app, isNew: false, ...plan, event });
    return this.get(acting, id);
  }

  async delete(acting: Acting, id: string): Promise<string> {
    const orgId = authorizeAccess(acting);
    const event = this.audit.event("access_app.delete", orgId, "access_app", id, {}, this.now());
    if (!(await this.store.deleteApp(orgId, id, event))) throw appNotFound(id);
    this.changed();
    return id;
  }

  /**
   * Access ends the application's user sessions. edgekeys has none: each
   * admitted request carries a fresh assertion that expires by its own
   * lifetime (JWT_TTL_SECONDS), so this records the request and changes nothing.
   */
  async revokeTokens(acting: Acting, id: string): Promise<void> {
    const app = await this.get(acting, id);
    await this.store.recordEvent(this.audit.event("access_app.revoke_tokens", app.orgId, "access_app", id, {}, this.now()));
  }

  /** Every application claiming a path on `host`, with its policies: the gateway's one read (nothing is shown to a caller). */
  appsOnHost(host: string): Promise<HostApp[]> {
    return this.store.routeTable(host);
  }

  /**
   * The routes of `domain` and the destinations, each on a host the operator
   * gave this account. Another account's host and a host given to nobody get
   * the same answer, so the refusal tells nothing about other accounts.
   */
  private routesOf(orgId: string, domains: AppInput["domains"]): AppRoute[] {
    return routesOf(domains, (field, route) => {
      if (this.ownerOf(route.host) !== orgId) {
        throw invalid(
          field,
          `${route.host} is not a host of this account: the operator of this edgekeys assigns hosts to accounts (ORIGINS' account_id, or GATEWAY_ACCOUNT_ID with ORIGIN_URL)`,
        );
      }
    });
  }

  private async save(write: AppWrite): Promise<void> {
    await this.store.saveApp(write);
    this.changed();
  }

  /**
   * The policies, links and orphans of an application's new `policies` list.
   * Linked policies must be the org's reusable ones; inline ones are the
   * application's own (an `id` names one it already has). Reusable and inline
   * policies cannot be mixed, as in Access; precedence is the position (from
   * 1) unless given, and unique.
   */
  private async planPolicies(orgId: string, appId: string, refs: PolicyRef[], current: AccessPolicy[], now: number) {
    // An entry without a precedence comes after the one before it, so no implicit value collides with an earlier explicit one.
    let last = 0;
    const links = refs.map((ref, i) => {
      last = ref.precedence ?? last + 1;
      return { ref, field: `policies[${i}]`, precedence: last };
    });
    if (links.some((l) => "link" in l.ref) && links.some((l) => "inline" in l.ref)) {
      throw invalid("policies", "reusable policies (by id) and inline policies cannot be mixed in one application");
    }
    const seen = new Map<number, string>();
    for (const { field, precedence } of links) {
      if (seen.has(precedence)) throw invalid(`${field}.precedence`, `${precedence} is also the precedence of ${seen.get(precedence)}`);
      seen.set(precedence, field);
    }
    const ids = links.map(({ ref }) => ("link" in ref ? ref.link : ref.id)).filter((v): v is string => v !== undefined);
    if (new Set(ids).size !== ids.length) throw invalid("policies", "names one policy twice");
    const found = new Map((await this.store.findPolicies(orgId, ids)).map((p) => [p.id, p]));
    const own = new Set(current.filter((p) => p.appId === appId).map((p) => p.id));
    const policies: AccessPolicy[] = [];
    const out: { policyId: string; precedence: number }[] = [];
    for (const { ref, field, precedence } of links) {
      if ("link" in ref) {
        const linked = found.get(ref.link);
        if (!linked || linked.appId !== null)
          throw invalid(`${field}.id`, `no reusable policy ${JSON.stringify(ref.link)} in this account`);
        out.push({ policyId: ref.link, precedence });
        continue;
      }
      if (ref.id !== undefined && !own.has(ref.id)) throw invalid(`${field}.id`, `no policy ${JSON.stringify(ref.id)} of this application`);
      const existing = ref.id === undefined ? undefined : found.get(ref.id);
      const policy = policyFrom(ref.inline, { id: ref.id ?? uuidv7(now), orgId, appId, createdAt: existing?.createdAt ?? now }, now);
      policies.push(policy);
      out.push({ policyId: policy.id, precedence });
    }
    const kept = new Set(out.map((l) => l.policyId));
    return { policies, links: out, dropPolicies: [...own].filter((id) => !kept.has(id)) };
  }
}

/** A stored policy from a client's fields. */
export function policyFrom(
  input: PolicyInput,
  ids: { id: string; orgId: string; appId: string | null; createdAt: number },
  now: number,
): AccessPolicy {
  return { ...ids, name: input.name, decision: input.decision, rules: input.rules, settings: input.settings, updatedAt: now };
}

/** The routes of `domain` and the destinations, parsed, without repeats; a bad one is refused naming its field. */
function routesOf(domains: AppInput["domains"], check: (field: string, route: AppRoute) => void): AppRoute[] {
  const routes = new Map<string, AppRoute>();
  for (const { field, value } of domains) {
    const route = parseDomain(value);
    if (typeof route === "string") throw invalid(field, route);
    check(field, route);
    routes.set(`${route.host}${route.path}`, route);
  }
  if (routes.size > MAX_ROUTES) throw invalid("destinations", `at most ${MAX_ROUTES} hosts and paths per application`);
  return [...routes.values()];
}

/** `domain` and 50 destinations (the schema's cap). */
const MAX_ROUTES = 51;

/**
 * A route another application of the account holds (the store's answer to a
 * taken host and path). A 400, not a 409: retrying cannot fix it, and the
 * SDK retries a 409.
 */
export const routeTaken = (route: AppRoute) =>
  new DomainError(
    "invalid_request",
    `${route.host}${route.path} is already claimed by another Access application; change that one or pick another path`,
  );
