/**
 * Access applications and policies on D1 (migration 0007). Each write is one
 * batch with its audit event; an application is read with its
 * policies in one statement (JSON built by SQLite), and the gateway's view of
 * a host is one statement too.
 */
import type {
  AccessApp,
  AccessAppStore,
  AppListQuery,
  AppWithPolicies,
  AppWrite,
  HostApp,
  LinkedPolicy,
  PolicyWithCount,
} from "../core/access/ports";
import { routeTaken } from "../core/access/apps";
import type { AccessPolicy } from "../core/access/decision";
import type { AuditEvent } from "../core/shared/audit-events";
import { DomainError } from "../core/shared/errors";
import { insertEvent } from "./audit";
import { auditToRow } from "./rows/audit";
import {
  APP_COUNT,
  APP_SELECT,
  type AppRow,
  appFromRow,
  type HostAppRow,
  hostAppFromRow,
  type LinkedPolicyRow,
  linkedPolicyFromRow,
  POLICY_COLUMNS,
  type PolicyWithCountRow,
  policyWithCountFromRow,
} from "./rows/access";
import type { CountRow } from "./rows/shared";
import { insertSelect, type Params, prepare } from "./sql";

/** The filters of an application list, as SQL over `access_apps a`. */
function appWhere(p: Params, q: AppListQuery): string {
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

const upsertPolicy = (db: D1Database, policy: AccessPolicy, isNew: boolean) =>
  prepare(db, (p) => {
    const values = [
      policy.id,
      policy.orgId,
      policy.appId,
      policy.name,
      policy.decision,
      JSON.stringify(policy.rules),
      JSON.stringify(policy.settings),
      policy.createdAt,
      policy.updatedAt,
    ].map((v) => p.add(v));
    const insert = `INSERT INTO access_policies (id, org_id, app_id, name, decision, rules, settings, created_at, updated_at) VALUES (${values.join(", ")})`;
    // An update changes only a policy of the same org and owner: ids never move between them.
    return isNew
      ? insert
      : `${insert} ON CONFLICT (id) DO UPDATE SET name = excluded.name, decision = excluded.decision, rules = excluded.rules,
          settings = excluded.settings, updated_at = excluded.updated_at
          WHERE access_policies.org_id = excluded.org_id AND access_policies.app_id IS excluded.app_id`;
  });

/** The event's INSERT, stored only when the row it is about exists (before the batch's DELETE runs). */
const eventIfExists = (db: D1Database, event: AuditEvent, table: string, match: Record<string, string>) =>
  prepare(db, (p) => {
    const where = Object.entries(match).map(([column, value]) => `${column} = ${p.add(value)}`);
    return `${insertSelect(p, "audit_events", auditToRow(event))} WHERE EXISTS (SELECT 1 FROM ${table} WHERE ${where.join(" AND ")})`;
  });

/** What D1 said when a batch broke a constraint: which one, to answer in the core's terms. */
const broke = (err: unknown, what: string) => err instanceof Error && err.message.includes(what);

export class D1AccessAppStore implements AccessAppStore {
  constructor(private readonly db: D1Database) {}

  async getApp(orgId: string, id: string): Promise<AppWithPolicies | null> {
    const row = await prepare(this.db, (p) => `${APP_SELECT} WHERE a.org_id = ${p.add(orgId)} AND a.id = ${p.add(id)}`).first<AppRow>();
    return row ? appFromRow(row) : null;
  }

  async listApps(q: AppListQuery): Promise<{ items: AppWithPolicies[]; total: number }> {
    const [page, count] = await this.db.batch([
      prepare(this.db, (p) => `${APP_SELECT} WHERE ${appWhere(p, q)} ORDER BY a.id LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`),
      prepare(this.db, (p) => `SELECT count(*) AS n FROM access_apps a WHERE ${appWhere(p, q)}`),
    ]);
    return { items: (page!.results as AppRow[]).map(appFromRow), total: (count!.results[0] as CountRow).n };
  }

  async saveApp(w: AppWrite): Promise<void> {
    const { app } = w;
    const statements = [
      w.isNew
        ? prepare(
            this.db,
            (p) => `INSERT INTO access_apps (id, org_id, aud, name, domain, settings, created_at, updated_at)
            VALUES (${[app.id, app.orgId, app.aud, app.name, app.domain, JSON.stringify(app.settings), app.createdAt, app.updatedAt].map((v) => p.add(v)).join(", ")})`,
          )
        : prepare(
            this.db,
            (p) => `UPDATE access_apps SET name = ${p.add(app.name)}, domain = ${p.add(app.domain)},
            settings = ${p.add(JSON.stringify(app.settings))}, updated_at = ${p.add(app.updatedAt)}
            WHERE id = ${p.add(app.id)} AND org_id = ${p.add(app.orgId)}`,
          ),
      prepare(this.db, (p) => `DELETE FROM access_app_routes WHERE app_id = ${p.add(app.id)}`),
      // One statement a row: D1 binds at most 100 values per statement. The core checked that the operator
      // gave each host to this account: a route another account left there (when hosts went to whoever
      // claimed first) is taken over; one of this account's own applications is a conflict.
      ...app.routes.flatMap((r) => [
        prepare(
          this.db,
          (p) => `DELETE FROM access_app_routes WHERE host = ${p.add(r.host)} AND path = ${p.add(r.path)}
            AND app_id IN (SELECT id FROM access_apps WHERE org_id != ${p.add(app.orgId)})`,
        ),
        prepare(
          this.db,
          (p) => `INSERT INTO access_app_routes (host, path, app_id) VALUES (${p.add(r.host)}, ${p.add(r.path)}, ${p.add(app.id)})`,
        ),
      ]),
      ...w.policies.map((policy) => upsertPolicy(this.db, policy, w.isNew)),
      ...(w.links === null
        ? []
        : [
            prepare(this.db, (p) => `DELETE FROM access_app_policies WHERE app_id = ${p.add(app.id)}`),
            ...w.links.map((l) =>
              prepare(
                this.db,
                (p) =>
                  `INSERT INTO access_app_policies (app_id, policy_id, precedence) VALUES (${p.add(app.id)}, ${p.add(l.policyId)}, ${p.add(l.precedence)})`,
              ),
            ),
          ]),
      ...(w.dropPolicies.length
        ? [prepare(this.db, (p) => `DELETE FROM access_policies WHERE app_id = ${p.add(app.id)} AND id IN (${p.list(w.dropPolicies)})`)]
        : []),
      insertEvent(this.db, w.event),
    ];
    try {
      await this.db.batch(statements);
    } catch (err) {
      if (broke(err, "access_app_routes")) throw await this.takenRoute(app);
      // A linked policy or the application itself went away while this was written.
      if (broke(err, "FOREIGN KEY")) throw new DomainError("conflict", "The application or a policy it links changed concurrently; retry");
      throw err;
    }
  }

  /** The route of `app` that another application of the account holds (for the refusal's message). */
  private async takenRoute(app: AccessApp): Promise<DomainError> {
    for (const route of app.routes) {
      const taken = await prepare(
        this.db,
        (p) => `SELECT 1 FROM access_app_routes
          WHERE host = ${p.add(route.host)} AND path = ${p.add(route.path)} AND app_id != ${p.add(app.id)} LIMIT 1`,
      ).first();
      if (taken) return routeTaken(route);
    }
    return routeTaken(app.routes[0]!);
  }

  async deleteApp(orgId: string, id: string, event: AuditEvent): Promise<boolean> {
    const [, deleted] = await this.db.batch([
      eventIfExists(this.db, event, "access_apps", { id, org_id: orgId }),
      prepare(this.db, (p) => `DELETE FROM access_apps WHERE id = ${p.add(id)} AND org_id = ${p.add(orgId)}`),
    ]);
    return deleted!.meta.changes > 0;
  }

  async findPolicies(orgId: string, ids: string[]): Promise<PolicyWithCount[]> {
    if (!ids.length) return [];
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${POLICY_COLUMNS}, ${APP_COUNT} FROM access_policies p
        WHERE p.org_id = ${p.add(orgId)} AND p.id IN (${p.list(ids)})`,
    ).all<PolicyWithCountRow>();
    return results.map(policyWithCountFromRow);
  }

  async listReusablePolicies(orgId: string, offset: number, limit: number): Promise<{ items: PolicyWithCount[]; total: number }> {
    const [page, count] = await this.db.batch([
      prepare(
        this.db,
        (p) => `SELECT ${POLICY_COLUMNS}, ${APP_COUNT} FROM access_policies p
          WHERE p.org_id = ${p.add(orgId)} AND p.app_id IS NULL ORDER BY p.id LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
      ),
      prepare(this.db, (p) => `SELECT count(*) AS n FROM access_policies WHERE org_id = ${p.add(orgId)} AND app_id IS NULL`),
    ]);
    return { items: (page!.results as PolicyWithCountRow[]).map(policyWithCountFromRow), total: (count!.results[0] as CountRow).n };
  }

  async listAppPolicies(appId: string): Promise<LinkedPolicy[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT ${POLICY_COLUMNS}, l.precedence FROM access_app_policies l
        JOIN access_policies p ON p.id = l.policy_id WHERE l.app_id = ${p.add(appId)} ORDER BY l.precedence`,
    ).all<LinkedPolicyRow>();
    return results.map(linkedPolicyFromRow);
  }

  async savePolicy(
    policy: AccessPolicy,
    isNew: boolean,
    link: { appId: string; precedence: number } | null,
    event: AuditEvent,
  ): Promise<void> {
    const statements = [upsertPolicy(this.db, policy, isNew), insertEvent(this.db, event)];
    if (link) {
      statements.splice(
        1,
        0,
        prepare(
          this.db,
          (p) => `INSERT INTO access_app_policies (app_id, policy_id, precedence)
          VALUES (${p.add(link.appId)}, ${p.add(policy.id)}, ${p.add(link.precedence)})
          ON CONFLICT (app_id, policy_id) DO UPDATE SET precedence = excluded.precedence`,
        ),
      );
    }
    try {
      await this.db.batch(statements);
    } catch (err) {
      if (link && broke(err, "access_app_policies.precedence")) {
        throw new DomainError("conflict", `precedence ${link.precedence} is taken by another policy of this application`);
      }
      if (broke(err, "FOREIGN KEY")) throw new DomainError("conflict", "The application changed concurrently; retry");
      throw err;
    }
  }

  async deletePolicy(orgId: string, id: string, event: AuditEvent): Promise<boolean> {
    const [, deleted] = await this.db.batch([
      eventIfExists(this.db, event, "access_policies", { id, org_id: orgId }),
      prepare(this.db, (p) => `DELETE FROM access_policies WHERE id = ${p.add(id)} AND org_id = ${p.add(orgId)}`),
    ]);
    return deleted!.meta.changes > 0;
  }

  async unlinkPolicy(appId: string, policyId: string, event: AuditEvent): Promise<boolean> {
    const [, deleted] = await this.db.batch([
      eventIfExists(this.db, event, "access_app_policies", { app_id: appId, policy_id: policyId }),
      prepare(this.db, (p) => `DELETE FROM access_app_policies WHERE app_id = ${p.add(appId)} AND policy_id = ${p.add(policyId)}`),
    ]);
    return deleted!.meta.changes > 0;
  }

  async recordEvent(event: AuditEvent): Promise<void> {
    await insertEvent(this.db, event).run();
  }

  async routeTable(host: string): Promise<HostApp[]> {
    const { results } = await prepare(
      this.db,
      (p) => `SELECT r.path, a.id AS app_id, a.org_id, a.aud,
        json_extract(a.settings, '$.read_service_tokens_from_header') AS token_header,
        (SELECT json_group_array(json_object('id', p.id, 'decision', p.decision, 'rules', json(p.rules)))
           FROM (SELECT p.id, p.decision, p.rules FROM access_app_policies l JOIN access_policies p ON p.id = l.policy_id
                 WHERE l.app_id = a.id ORDER BY l.precedence) p) AS policies
        FROM access_app_routes r JOIN access_apps a ON a.id = r.app_id WHERE r.host = ${p.add(host)}`,
    ).all<HostAppRow>();
    return results.map(hostAppFromRow);
  }
}
