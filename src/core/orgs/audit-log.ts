/** Reading an org's audit log: owners only, decided here like every other owner-only operation. */
import { requireOwner } from "../shared/kinds";
import type { Acting } from "../shared/model";
import type { AuditEvent } from "../shared/audit-events";
import type { AuditLog, AuditQuery, StoredAuditEvent } from "./ports";

/**
 * Who made a change, as the event itself says: a principal (by email), the
 * operator's admin token (a bootstrap), a leak report (anyone holding the
 * secret, or GitHub's secret scanning), or edgekeys itself (scheduled and
 * delivery work, acting on no request's behalf).
 */
export type AuditActor =
  | { type: "principal"; principalId: string; email: string | null }
  | { type: "admin_token" | "public_revocation" | "github_secret_scanning" | "edgekeys" };

export type AuditEventRead = AuditEvent & { actor: AuditActor };

export function actorOf(event: StoredAuditEvent): AuditActor {
  if (event.actorPrincipalId) return { type: "principal", principalId: event.actorPrincipalId, email: event.actorEmail };
  const reporter = event.changes.reporter;
  if (reporter === "public_revocation" || reporter === "github_secret_scanning") return { type: reporter };
  if (event.action === "org.bootstrap") return { type: "admin_token" };
  return { type: "edgekeys" };
}

export class AuditLogService {
  constructor(private readonly log: AuditLog) {}

  /** The org's events, newest first, filtered and paged as `query` says. */
  async list(acting: Acting, query: Omit<AuditQuery, "orgId">): Promise<AuditEventRead[]> {
    requireOwner(acting.role, "Reading the audit log");
    const events = await this.log.listAuditEvents({ ...query, orgId: acting.orgId });
    return events.map((stored) => {
      const { actorEmail: _email, ...event } = stored;
      return { ...event, actor: actorOf(stored) };
    });
  }
}
