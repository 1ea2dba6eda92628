/**
 * The Access organization of an account: the settings edgekeys acts on
 * (`strict_service_token_auth`, `service_token_inactivity`) and every other
 * field Access defines, kept as sent. Any member reads it; an owner changes
 * it, audited. Every account has one: an account created after migration 0011
 * starts strict and cannot turn strict mode off (as Access's organizations
 * created from 2026-10-05); one that existed before starts non-strict.
 */
import type { AuditContext } from "../shared/audit-events";
import { DomainError, invalid } from "../shared/errors";
import { requireOwner } from "../shared/kinds";
import type { Acting } from "../shared/model";
import type { AccessOrganization, AccessOrganizationStore, InactivityAction, InactivityRule } from "./ports";

export const MIN_INACTIVITY_DAYS = 30;
export const MAX_INACTIVITY_DAYS = 365;
const MAX_SETTINGS_CHARS = 64 * 1024;

/** `service_token_inactivity` as the client wrote it (after merging). */
export interface InactivityInput {
  enabled?: boolean;
  inactivity_threshold_days?: number;
  action?: InactivityAction;
}

/** A change as a client sends it: the wire fields, validated for type and range by the surface. */
export interface OrganizationChange {
  strict_service_token_auth?: boolean;
  service_token_inactivity?: InactivityInput;
  [field: string]: unknown;
}

/** Whether a strict account refuses a request: what the authentication pipeline asks, only for an ambiguous request. */
export type StrictOf = (orgId: string) => Promise<boolean>;

export class AccessOrganizationService {
  constructor(
    private readonly store: AccessOrganizationStore,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** Any member may read it (Access: a read-only role sees the settings too). */
  async get(acting: Acting): Promise<AccessOrganization> {
    return this.read(acting.orgId);
  }

  /**
   * Merges `change` into the organization: fields given replace theirs (the
   * members of `service_token_inactivity` one by one), fields left out stay.
   * POST, PUT and PATCH all do this, as Access's PUT does (the SDK's `update`
   * sends only the fields named).
   */
  async change(acting: Acting, change: OrganizationChange): Promise<AccessOrganization> {
    requireOwner(acting.role, "Changing the Access organization");
    const current = await this.read(acting.orgId);
    const { strict_service_token_auth: strict, service_token_inactivity: inactivity, ...rest } = change;
    if (strict === false && current.strictLocked) {
      throw invalid(
        "strict_service_token_auth",
        "cannot be turned off: this account was created with strict service-token auth on, and (as Access's organizations created from 2026-10-05) keeps it",
      );
    }
    const settings: Record<string, unknown> = { ...current.settings, ...rest };
    if (inactivity !== undefined)
      settings.service_token_inactivity = { ...(current.settings.service_token_inactivity as object | undefined), ...inactivity };
    // Merging lets the settings grow with each new field: they stay within one request body's size.
    if (JSON.stringify(settings).length > MAX_SETTINGS_CHARS) {
      throw new DomainError(
        "invalid_request",
        `The organization's settings would exceed ${MAX_SETTINGS_CHARS / 1024} KiB; send fewer or shorter fields`,
      );
    }
    const next: AccessOrganization = {
      ...current,
      strict: strict ?? current.strict,
      inactivity: inactivityRule(settings.service_token_inactivity as InactivityInput | undefined),
      settings,
      updatedAt: this.now(),
    };
    const event = this.audit.event("access_organization.update", acting.orgId, "org", acting.orgId, { ...change }, next.updatedAt!);
    await this.store.saveOrganization(next, event);
    return next;
  }

  private async read(orgId: string): Promise<AccessOrganization> {
    // Every org has its row (migration 0011 and its trigger); a missing one is a new account's default.
    return (
      (await this.store.getOrganization(orgId)) ?? {
        orgId,
        strict: true,
        strictLocked: true,
        inactivity: null,
        settings: {},
        updatedAt: null,
      }
    );
  }
}

/** The rule of a merged `service_token_inactivity`; enabling it needs a threshold and an action (400 naming the missing one). */
export function inactivityRule(input: InactivityInput | undefined): InactivityRule | null {
  if (!input?.enabled) return null;
  const field = "service_token_inactivity";
  const days = input.inactivity_threshold_days;
  if (days === undefined)
    throw invalid(`${field}.inactivity_threshold_days`, `is required when enabled (${MIN_INACTIVITY_DAYS} to ${MAX_INACTIVITY_DAYS} days)`);
  if (input.action === undefined) throw invalid(`${field}.action`, `is required when enabled ("disable" or "delete")`);
  return { thresholdDays: days, action: input.action };
}
