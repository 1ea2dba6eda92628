/**
 * Leak response in D1 (`LeakStore`): the candidates of a whole report in one
 * batch, and each proven leak's change with its audit event in another.
 */
import type { AuditEvent } from "../core/shared/audit-events";
import type { LeakResponse, LeakStore } from "../core/leaks/ports";
import type { Credential } from "../core/shared/model";
import { auditToRow } from "./rows/audit";
import { CREDENTIAL_SELECT, credentialFromRow, type SelectedCredential } from "./rows/credentials";
import { insertSelect, type Params, prepare } from "./sql";

/** Values per statement: D1 binds at most 100 parameters. */
const CHUNK = 90;

const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / CHUNK) }, (_, i) => items.slice(i * CHUNK, (i + 1) * CHUNK));

/** The condition under which a response still applies: what was proven is still there. */
function stillThere(p: Params, c: Credential, response: LeakResponse, now: number, proven: ArrayBuffer): string {
  const id = `c.id = ${p.add(c.id)}`;
  if (response === "deleted") return id;
  if (response === "disabled") return `${id} AND c.enabled = 1`;
  return `${id} AND c.prev_secret_hash = ${p.add(proven)} AND c.prev_expires_at > ${p.add(now)}`;
}

export class D1LeakStore implements LeakStore {
  constructor(private readonly db: D1Database) {}

  async findLeakCandidates(ids: string[], hashes: ArrayBuffer[]): Promise<Credential[]> {
    // `kind` is written literally: the partial indexes of migration 0009 are used only then.
    const statements = [
      ...chunks(ids).map((part) =>
        prepare(this.db, (p) => `SELECT ${CREDENTIAL_SELECT} FROM credentials c WHERE c.id IN (${p.list(part)})`),
      ),
      ...chunks(hashes).flatMap((part) => [
        prepare(
          this.db,
          (p) => `SELECT ${CREDENTIAL_SELECT} FROM credentials c WHERE c.kind = 'access_token' AND c.secret_hash IN (${p.list(part)})`,
        ),
        prepare(
          this.db,
          (p) =>
            `SELECT ${CREDENTIAL_SELECT} FROM credentials c
             WHERE c.kind = 'access_token' AND c.prev_secret_hash IS NOT NULL AND c.prev_secret_hash IN (${p.list(part)})`,
        ),
      ]),
    ];
    if (!statements.length) return [];
    // One statement (the usual report: a secret or two) needs no batch.
    const results =
      statements.length === 1 ? [await statements[0]!.all<SelectedCredential>()] : await this.db.batch<SelectedCredential>(statements);
    const byId = new Map<string, Credential>();
    for (const row of results.flatMap((r) => r.results)) {
      const credential = credentialFromRow(row);
      byId.set(credential.id, credential);
    }
    return [...byId.values()];
  }

  async respondToLeak(c: Credential, response: LeakResponse, event: AuditEvent, now: number, proven: ArrayBuffer): Promise<boolean> {
    const change = prepare(this.db, (p) => {
      const where = stillThere(p, c, response, now, proven);
      if (response === "deleted") return `DELETE FROM credentials AS c WHERE ${where}`;
      const sets =
        response === "disabled" ? "enabled = 0" : `prev_secret_hash = NULL, prev_hash_version = NULL, prev_expires_at = ${p.add(now)}`;
      return `UPDATE credentials AS c SET ${sets}, updated_at = ${p.add(now)}, revision = revision + 1 WHERE ${where}`;
    });
    // The event first, from the row as it is: it names the credential and exists only if the change does.
    const record = prepare(this.db, (p) => {
      const row = auditToRow(event);
      const changes = `json_patch(${p.add(row.changes)}, json_object('name', c.name, 'client_id', c.client_id))`;
      return `${insertSelect(p, "audit_events", row, { changes })} FROM credentials c WHERE ${stillThere(p, c, response, now, proven)}`;
    });
    const [, changed] = await this.db.batch([record, change]);
    return (changed?.meta.changes ?? 0) > 0;
  }
}
