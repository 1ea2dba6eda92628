/**
 * The bootstrap of an org's first owner in D1: one batch that finds or creates
 * the org (by name) and the user (by email), makes the user an owner, and
 * stores the key and its event. Rows that may already exist are found by name,
 * never by the ids minted for them, so two bootstraps of one org agree.
 */
import { DomainError } from "../core/shared/errors";
import type { Org, Principal } from "../core/shared/model";
import type { BootstrapInput, BootstrapStore } from "../core/orgs/ports";
import { auditToRow } from "./rows/audit";
import { credentialToRow } from "./rows/credentials";
import { ORG_SELECT, OWNER_SELECT, orgFromRow, principalFromRow, type SelectedOrg, type SelectedPrincipal } from "./rows/principals";
import { type Params, insertSelect, prepare } from "./sql";

/** `BootstrapStore` on D1. */
export class D1BootstrapStore implements BootstrapStore {
  constructor(private readonly db: D1Database) {}

  async bootstrap({ org, pinnedId, user, credential, now, event }: BootstrapInput): Promise<{ org: Org; user: Principal }> {
    const db = this.db;
    // With an id the operator chose, every write waits on the name and the id naming one org (or none yet):
    // true when an org has exactly one of the two.
    const mismatch = (p: Params) => `EXISTS (SELECT 1 FROM orgs WHERE (name = ${p.add(org.name)}) != (id = ${p.add(org.id)}))`;
    const unlessMismatch = (p: Params) => (pinnedId ? `WHERE NOT ${mismatch(p)}` : "WHERE true");
    // `FROM orgs o, principals p WHERE …`: the org and the user as stored, whoever created them.
    const theOrgAndUser = (p: Params) =>
      `FROM orgs o, principals p WHERE o.name = ${p.add(org.name)} ${pinnedId ? `AND o.id = ${p.add(org.id)}` : ""} AND p.email = ${p.add(user.email)} AND p.kind = 'user'`;
    const storedOrg = prepare(db, (p) => `SELECT ${ORG_SELECT} FROM orgs o WHERE o.name = ${p.add(org.name)}`);
    const storedUser = prepare(
      db,
      (p) => `SELECT ${OWNER_SELECT} FROM principals p WHERE p.email = ${p.add(user.email)} AND p.kind = 'user'`,
    );
    const statements = [
      prepare(
        db,
        (p) =>
          `INSERT INTO orgs (id, name, created_at) SELECT ${p.add(org.id)}, ${p.add(org.name)}, ${p.add(org.createdAt)} ${unlessMismatch(p)} ON CONFLICT DO NOTHING`,
      ),
      prepare(
        db,
        (p) => `INSERT INTO principals (id, kind, email, given_name, family_name, name, created_at)
           SELECT ${p.add(user.id)}, 'user', ${p.add(user.email)}, ${p.add(user.givenName)}, ${p.add(user.familyName)}, NULL, ${p.add(user.createdAt)}
           ${unlessMismatch(p)}
           ON CONFLICT (email) WHERE kind = 'user' DO UPDATE SET
             given_name = coalesce(excluded.given_name, given_name),
             family_name = coalesce(excluded.family_name, family_name)`,
      ),
      prepare(
        db,
        (p) => `INSERT INTO memberships (org_id, principal_id, role, created_at)
           SELECT o.id, p.id, 'owner', ${p.add(now)} ${theOrgAndUser(p)}
           ON CONFLICT (org_id, principal_id) DO UPDATE SET role = 'owner'`,
      ),
      prepare(
        db,
        (p) =>
          `${insertSelect(p, "credentials", credentialToRow(credential), { org_id: "o.id", principal_id: "p.id" })} ${theOrgAndUser(p)}`,
      ),
      // The event's org and target are the org, by name.
      prepare(
        db,
        (p) =>
          `${insertSelect(p, "audit_events", auditToRow(event), { org_id: "o.id", target_id: "o.id" })} FROM orgs o WHERE o.name = ${p.add(org.name)} ${pinnedId ? `AND o.id = ${p.add(org.id)}` : ""}`,
      ),
      storedOrg,
      storedUser,
    ];
    const results = await db.batch(statements);
    // A batch answers its statements in order: each statement's rows are found by the statement.
    const orgRow = results[statements.indexOf(storedOrg)]?.results[0] as SelectedOrg | undefined;
    const userRow = results[statements.indexOf(storedUser)]?.results[0] as SelectedPrincipal | undefined;
    if (pinnedId && (!orgRow || orgFromRow(orgRow).id !== org.id)) {
      throw new DomainError(
        "conflict",
        `org_name ${JSON.stringify(org.name)} and account_id name different orgs (one of them exists without the other); nothing was written`,
      );
    }
    if (!orgRow || !userRow) throw new Error("bootstrap batch returned no org or user");
    return { org: orgFromRow(orgRow), user: principalFromRow(userRow) };
  }
}
