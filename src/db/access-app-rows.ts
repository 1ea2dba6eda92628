/**
 * Rows of Access applications and policies (migration 0007): the columns read,
 * the JSON SQLite builds for an application's policies, and row ⇄ model.
 */
import type { AppListQuery, AppWithPolicies, PolicyWithCount } from "../core/access/ports";
import type { AccessPolicy } from "../core/access/decision";
import type { Params } from "./sql";

export type Row = Record<string, unknown>;

export const POLICY_COLUMNS = "p.id, p.org_id, p.app_id, p.name, p.decision, p.rules, p.settings, p.created_at, p.updated_at";

/** A policy row's fields as a JSON object (rules and settings embedded as JSON, not text). */
export const POLICY_JSON = `json_object('id', p.id, 'org_id', p.org_id, 'app_id', p.app_id, 'name', p.name, 'decision', p.decision,
  'rules', json(p.rules), 'settings', json(p.settings), 'created_at', p.created_at, 'updated_at', p.updated_at, 'precedence', l.precedence)`;

/** The application columns and its policies in ascending precedence, from `access_apps a`. */
export const APP_SELECT = `SELECT a.id, a.org_id, a.aud, a.name, a.domain, a.settings, a.created_at, a.updated_at,
  (SELECT json_group_array(json(policy)) FROM (SELECT ${POLICY_JSON} AS policy FROM access_app_policies l
     JOIN access_policies p ON p.id = l.policy_id WHERE l.app_id = a.id ORDER BY l.precedence)) AS policies
  FROM access_apps a`;

export const policyFrom = (r: Row): AccessPolicy => ({
  id: r.id as string,
  orgId: r.org_id as string,
  appId: (r.app_id as string | null) ?? null,
  name: r.name as string,
  decision: r.decision as AccessPolicy["decision"],
  rules: typeof r.rules === "string" ? JSON.parse(r.rules) : (r.rules as AccessPolicy["rules"]),
  settings: typeof r.settings === "string" ? JSON.parse(r.settings) : (r.settings as Record<string, unknown>),
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
});

export const appFrom = (r: Row): AppWithPolicies => ({
  id: r.id as string,
  orgId: r.org_id as string,
  aud: r.aud as string,
  name: r.name as string,
  domain: r.domain as string,
  settings: JSON.parse(r.settings as string),
  createdAt: r.created_at as number,
  updatedAt: r.updated_at as number,
  policies: (JSON.parse(r.policies as string) as Row[]).map((p) => ({ ...policyFrom(p), precedence: p.precedence as number })),
});

export const withCount = (r: Row): PolicyWithCount => ({ ...policyFrom(r), appCount: r.app_count as number });
export const APP_COUNT = "(SELECT count(*) FROM access_app_policies WHERE policy_id = p.id) AS app_count";

/** The filters of an application list, as SQL over `access_apps a`. */
export function appWhere(p: Params, q: AppListQuery): string {
  const where = [`a.org_id = ${p.add(q.orgId)}`];
  const text = (column: string, value: string) =>
    q.exact ? `${column} = ${p.add(value)}` : `instr(lower(${column}), lower(${p.add(value)})) > 0`;
  if (q.name !== undefined) where.push(text("a.name", q.name));
  if (q.domain !== undefined) where.push(text("a.domain", q.domain));
  if (q.aud !== undefined) where.push(`a.aud = ${p.add(q.aud.toLowerCase())}`);
  if (q.search !== undefined) {
    const s = p.add(q.search);
    where.push(`(instr(lower(a.name), lower(${s})) > 0 OR instr(lower(a.domain), lower(${s})) > 0)`);
  }
  return where.join(" AND ");
}
