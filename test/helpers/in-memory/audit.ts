import type { AuditLog, AuditQuery, StoredAuditEvent } from "../../../src/core/orgs/ports";
import { type Tables, copy } from "./tables";

/** `AuditLog` on the in-memory tables. */
export class MemoryAuditLog implements AuditLog {
  constructor(private readonly t: Tables) {}

  async listAuditEvents(q: AuditQuery): Promise<StoredAuditEvent[]> {
    // Walking backwards reads the events just above the cursor, oldest first, then flips them.
    const backwards = q.endingBefore !== undefined;
    const matching = this.t.events.filter(
      (e) =>
        e.orgId === q.orgId &&
        (q.targetId === undefined || e.targetId === q.targetId) &&
        (q.action === undefined || e.action === q.action) &&
        (q.since === undefined || e.at >= q.since) &&
        (q.until === undefined || e.at < q.until) &&
        (q.startingAfter === undefined || e.id < q.startingAfter) &&
        (q.endingBefore === undefined || e.id > q.endingBefore),
    );
    matching.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!backwards) matching.reverse();
    const page = matching
      .slice(0, q.limit)
      .map((e) => ({ ...copy(e), actorEmail: e.actorPrincipalId ? (this.t.principals.get(e.actorPrincipalId)?.email ?? null) : null }));
    return backwards ? page.reverse() : page;
  }
}
