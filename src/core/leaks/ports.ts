/** The storage port of leak response (`src/db/leaks.ts` implements it on D1). */
import type { AuditEvent } from "../shared/audit-events";
import type { Credential } from "../shared/model";

/** What a proven leak did to its credential. */
export type LeakResponse = "deleted" | "disabled" | "grace_ended";

/** Storage for leak response: one read for a whole report, and a write per proven leak. */
export interface LeakStore {
  /** Credentials with these ids, and Access tokens whose current or previous secret hash is one of `hashes`; with their hashes. */
  findLeakCandidates(ids: string[], hashes: ArrayBuffer[]): Promise<Credential[]>;
  /**
   * Applies `response` to the credential if it still holds what was proven (the row for a delete,
   * `enabled` for a disable, the previous hash `proven` for a grace's end), with `event` (whose
   * changes gain the credential's name and client id) in the same batch; false when nothing changed.
   */
  respondToLeak(credential: Credential, response: LeakResponse, event: AuditEvent, now: number, proven: ArrayBuffer): Promise<boolean>;
}
