/** Reading an org's audit log: owners only, decided here like every other owner-only operation. */
import { requireOwner } from "./kinds";
import type { Acting } from "./model";
import type { AuditEvent } from "./audit";
import type { AuditLog, AuditQuery } from "./ports";

export class AuditLogService {
  constructor(private readonly log: AuditLog) {}

  /** The org's events, newest first, filtered and paged as `query` says. */
  list(acting: Acting, query: Omit<AuditQuery, "orgId">): Promise<AuditEvent[]> {
    requireOwner(acting.role, "Reading the audit log");
    return this.log.listAuditEvents({ ...query, orgId: acting.orgId });
  }
}
