/** Access organizations on D1 (migration 0011): one row per account, its enforced settings as columns, the rest as JSON. */
import type { AccessOrganization, AccessOrganizationStore } from "../core/access/ports";
import type { AuditEvent } from "../core/shared/audit-events";
import { insertEvent } from "./audit";
import { type AccessOrganizationRow, organizationFromRow } from "./rows/access";
import { prepare } from "./sql";

export class D1AccessOrganizations implements AccessOrganizationStore {
  constructor(private readonly db: D1Database) {}

  async getOrganization(orgId: string): Promise<AccessOrganization | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT * FROM access_organizations WHERE org_id = ${p.add(orgId)}`,
    ).first<AccessOrganizationRow>();
    return row ? organizationFromRow(row) : null;
  }

  async saveOrganization(org: AccessOrganization, event: AuditEvent): Promise<void> {
    // An UPSERT: an org whose row is missing (it cannot be, but a hand edit may) gets one, strict and locked as a new account.
    await this.db.batch([
      prepare(this.db, (p) => {
        const v = {
          strict: p.add(org.strict ? 1 : 0),
          enabled: p.add(org.inactivity ? 1 : 0),
          days: p.add(org.inactivity?.thresholdDays ?? null),
          action: p.add(org.inactivity?.action ?? null),
          settings: p.add(JSON.stringify(org.settings)),
          at: p.add(org.updatedAt),
        };
        return `INSERT INTO access_organizations (org_id, strict_service_token_auth, inactivity_enabled, inactivity_days, inactivity_action, settings, updated_at)
          VALUES (${p.add(org.orgId)}, ${v.strict}, ${v.enabled}, ${v.days}, ${v.action}, ${v.settings}, ${v.at})
          ON CONFLICT (org_id) DO UPDATE SET strict_service_token_auth = ${v.strict}, inactivity_enabled = ${v.enabled},
            inactivity_days = ${v.days}, inactivity_action = ${v.action}, settings = ${v.settings}, updated_at = ${v.at}`;
      }),
      insertEvent(this.db, event),
    ]);
  }

  /** Whether the account refuses ambiguous service-token requests: one primary-key read, made only for such a request. */
  async strict(orgId: string): Promise<boolean> {
    const row = await prepare(
      this.db,
      (p) => `SELECT strict_service_token_auth FROM access_organizations WHERE org_id = ${p.add(orgId)}`,
    ).first<Pick<AccessOrganizationRow, "strict_service_token_auth">>();
    return row ? row.strict_service_token_auth === 1 : true;
  }
}
