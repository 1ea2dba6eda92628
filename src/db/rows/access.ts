/**
 * Rows of Access applications, their routes and policies (migration 0007) and of the accounts'
 * Access organizations (migration 0011): an application is read with its policies as JSON that
 * SQLite builds, and a host's view for the gateway in one statement too.
 */
import type { AccessPolicy, EnforcedPolicy } from "../../core/access/decision";
import type {
  AccessOrganization,
  AppWithPolicies,
  HostApp,
  InactivityAction,
  LinkedPolicy,
  PolicyWithCount,
} from "../../core/access/ports";

/** A row of `access_apps`. */
export interface AccessAppRow {
  id: string;
  org_id: string;
  aud: string;
  name: string;
  domain: string;
  /** JSON: every other field the client sent. */
  settings: string;
  created_at: number;
  updated_at: number;
}

/** A row of `access_app_routes`: the hosts and paths an application claims. */
export interface AccessAppRouteRow {
  host: string;
  path: string;
  app_id: string;
}

/** A row of `access_policies` (an application's own when `app_id` is set, else reusable). */
export interface AccessPolicyRow {
  id: string;
  org_id: string;
  app_id: string | null;
  name: string;
  decision: AccessPolicy["decision"];
  /** JSON of the rules (an object where SQLite embeds it with `json()`). */
  rules: string | AccessPolicy["rules"];
  /** JSON of every other field (an object where embedded). */
  settings: string | Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

/** A row of `access_app_policies`: which policies an application uses, in which order. */
export interface AccessAppPolicyRow {
  app_id: string;
  policy_id: string;
  precedence: number;
}

/** A row of `access_organizations`: an account's enforced settings as columns, the rest as JSON. */
export interface AccessOrganizationRow {
  org_id: string;
  strict_service_token_auth: number;
  strict_locked: number;
  inactivity_enabled: number;
  inactivity_days: number | null;
  inactivity_action: InactivityAction | null;
  /** JSON: every other field as the client wrote it. */
  settings: string;
  updated_at: number | null;
}

/** The columns of an `AccessPolicyRow`, over `access_policies p`. */
export const POLICY_COLUMNS = "p.id, p.org_id, p.app_id, p.name, p.decision, p.rules, p.settings, p.created_at, p.updated_at";

/** A policy row's fields as a JSON object (rules and settings embedded as JSON, not text), with its link's precedence. */
const POLICY_JSON = `json_object('id', p.id, 'org_id', p.org_id, 'app_id', p.app_id, 'name', p.name, 'decision', p.decision,
  'rules', json(p.rules), 'settings', json(p.settings), 'created_at', p.created_at, 'updated_at', p.updated_at, 'precedence', l.precedence)`;

/** An application's columns and its policies in ascending precedence (`AppRow`), from `access_apps a`. */
export const APP_SELECT = `SELECT a.id, a.org_id, a.aud, a.name, a.domain, a.settings, a.created_at, a.updated_at,
  (SELECT json_group_array(json(policy)) FROM (SELECT ${POLICY_JSON} AS policy FROM access_app_policies l
     JOIN access_policies p ON p.id = l.policy_id WHERE l.app_id = a.id ORDER BY l.precedence)) AS policies
  FROM access_apps a`;

/** The number of applications using policy `p`, as `app_count`. */
export const APP_COUNT = "(SELECT count(*) FROM access_app_policies WHERE policy_id = p.id) AS app_count";

/** A policy with its precedence in one application. */
export type LinkedPolicyRow = AccessPolicyRow & Pick<AccessAppPolicyRow, "precedence">;
/** A policy with the number of applications using it (`APP_COUNT`). */
export type PolicyWithCountRow = AccessPolicyRow & { app_count: number };
/** An application with its policies (`APP_SELECT`): a JSON array of `LinkedPolicyRow`s. */
export type AppRow = AccessAppRow & { policies: string };

export const policyFromRow = (r: AccessPolicyRow): AccessPolicy => ({
  id: r.id,
  orgId: r.org_id,
  appId: r.app_id ?? null,
  name: r.name,
  decision: r.decision,
  rules: typeof r.rules === "string" ? JSON.parse(r.rules) : r.rules,
  settings: typeof r.settings === "string" ? JSON.parse(r.settings) : r.settings,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const linkedPolicyFromRow = (r: LinkedPolicyRow): LinkedPolicy => ({ ...policyFromRow(r), precedence: r.precedence });

export const policyWithCountFromRow = (r: PolicyWithCountRow): PolicyWithCount => ({ ...policyFromRow(r), appCount: r.app_count });

export const appFromRow = (r: AppRow): AppWithPolicies => ({
  id: r.id,
  orgId: r.org_id,
  aud: r.aud,
  name: r.name,
  domain: r.domain,
  settings: JSON.parse(r.settings),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  policies: (JSON.parse(r.policies) as LinkedPolicyRow[]).map(linkedPolicyFromRow),
});

/** One route of a host, with its application and that application's policies (`routeTable`). */
export interface HostAppRow extends Pick<AccessAppRouteRow, "path" | "app_id">, Pick<AccessAppRow, "org_id" | "aud"> {
  /** The application's `read_service_tokens_from_header`, from its settings. */
  token_header: unknown;
  /** JSON array of `{id, decision, rules}`, in ascending precedence. */
  policies: string;
}

export const hostAppFromRow = (r: HostAppRow): HostApp => ({
  path: r.path,
  appId: r.app_id,
  orgId: r.org_id,
  aud: r.aud,
  tokenHeader: typeof r.token_header === "string" ? r.token_header : null,
  policies: JSON.parse(r.policies) as EnforcedPolicy[],
});

export const organizationFromRow = (row: AccessOrganizationRow): AccessOrganization => ({
  orgId: row.org_id,
  strict: row.strict_service_token_auth === 1,
  strictLocked: row.strict_locked === 1,
  inactivity:
    row.inactivity_enabled === 1
      ? // Both set where the rule is on (a CHECK of migration 0011).
        { thresholdDays: row.inactivity_days!, action: row.inactivity_action! }
      : null,
  settings: JSON.parse(row.settings) as Record<string, unknown>,
  updatedAt: row.updated_at ?? null,
});
