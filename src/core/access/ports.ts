/**
 * Access applications and policies: the objects, and the storage port the
 * core manages them through (`src/db/access-apps.ts` implements it on D1).
 * A port of its own, beside `Repository`: nothing else writes these tables,
 * and the gateway reads them through `routeTable` alone.
 */
import type { AuditEvent } from "../shared/audit-events";
import type { AccessPolicy, EnforcedPolicy } from "./decision";
import type { AppRoute } from "./app-domain";

export interface AccessApp {
  id: string;
  orgId: string;
  /** The Application Audience tag: 64 hex, generated at creation, never changed. */
  aud: string;
  name: string;
  domain: string;
  /** Every other field the client sent (`type`, `destinations`, `session_duration`, …), returned as stored. */
  settings: Record<string, unknown>;
  /** The hosts and paths it claims: its `domain`, then its destinations. */
  routes: AppRoute[];
  createdAt: number;
  updatedAt: number;
}

/** A policy as one application uses it. */
export interface LinkedPolicy extends AccessPolicy {
  precedence: number;
}

/** An application as read back: its routes are written with it but never needed again (they are derived from its fields). */
export interface AppWithPolicies extends Omit<AccessApp, "routes"> {
  /** In ascending precedence. */
  policies: LinkedPolicy[];
}

/** A policy with the number of applications that use it. */
export interface PolicyWithCount extends AccessPolicy {
  appCount: number;
}

export interface AppListQuery {
  orgId: string;
  /** Substrings (case-insensitive) unless `exact`. */
  name?: string;
  domain?: string;
  exact: boolean;
  aud?: string;
  /** A substring of the name or the domain. */
  search?: string;
  offset: number;
  limit: number;
}

/** One write of an application, whole: everything in one batch, or nothing. */
export interface AppWrite {
  app: AccessApp;
  isNew: boolean;
  /** App-scoped policies to insert or replace. */
  policies: AccessPolicy[];
  /** The application's links in full, replacing the old ones; null leaves them as they are. */
  links: { policyId: string; precedence: number }[] | null;
  /** App-scoped policies the application no longer uses. */
  dropPolicies: string[];
  event: AuditEvent;
}

/** An application as the gateway sees it on one host. */
export interface HostApp {
  path: string;
  appId: string;
  orgId: string;
  aud: string;
  /** `read_service_tokens_from_header`: one more header that carries a service token, as JSON; null when none. */
  tokenHeader?: string | null;
  /** In ascending precedence. */
  policies: EnforcedPolicy[];
}

export interface AccessAppStore {
  getApp(orgId: string, id: string): Promise<AppWithPolicies | null>;
  /** One page, oldest first, and how many match in all. */
  listApps(query: AppListQuery): Promise<{ items: AppWithPolicies[]; total: number }>;
  /** Throws `conflict` when another application claims one of its routes. */
  saveApp(write: AppWrite): Promise<void>;
  /** Deletes it with its routes, links and app-scoped policies; false when there is none in the org. */
  deleteApp(orgId: string, id: string, event: AuditEvent): Promise<boolean>;
  /** The org's policies (reusable or app-scoped) with these ids. */
  findPolicies(orgId: string, ids: string[]): Promise<PolicyWithCount[]>;
  /** One page of the org's reusable policies, oldest first. */
  listReusablePolicies(orgId: string, offset: number, limit: number): Promise<{ items: PolicyWithCount[]; total: number }>;
  /** The policies an application uses, in ascending precedence. */
  listAppPolicies(appId: string): Promise<LinkedPolicy[]>;
  /**
   * Inserts (`isNew`) or replaces a policy, and when `link` is given sets its
   * precedence in that application (linking it if it was not). Throws
   * `conflict` when another policy of the application has that precedence.
   */
  savePolicy(policy: AccessPolicy, isNew: boolean, link: { appId: string; precedence: number } | null, event: AuditEvent): Promise<void>;
  /** Deletes it (and its links); false when there is none in the org. */
  deletePolicy(orgId: string, id: string, event: AuditEvent): Promise<boolean>;
  /** Removes a reusable policy from one application; false when it was not linked. */
  unlinkPolicy(appId: string, policyId: string, event: AuditEvent): Promise<boolean>;
  /** Stores an event that changes nothing else. */
  recordEvent(event: AuditEvent): Promise<void>;
  /** Every application claiming a path on `host`, with its policies: one read. */
  routeTable(host: string): Promise<HostApp[]>;
}

// ─── The account's Access organization ──────────────────────────────────────

export const INACTIVITY_ACTIONS = ["disable", "delete"] as const;
export type InactivityAction = (typeof INACTIVITY_ACTIONS)[number];

/** The inactivity rule the cron enforces, or null when it is off. */
export interface InactivityRule {
  thresholdDays: number;
  action: InactivityAction;
}

export interface AccessOrganization {
  orgId: string;
  strict: boolean;
  /** Created strict: strict mode cannot be turned off. */
  strictLocked: boolean;
  /** Enforced by the cron when on. */
  inactivity: InactivityRule | null;
  /** Every field as the client wrote it, `service_token_inactivity` included (merged); never `strict_service_token_auth`, which is `strict`. */
  settings: Record<string, unknown>;
  updatedAt: number | null;
}

export interface AccessOrganizationStore {
  /** The organization of `orgId` (every org has one; null only for an org that does not exist). */
  getOrganization(orgId: string): Promise<AccessOrganization | null>;
  /** Writes it whole, with its event, in one batch. */
  saveOrganization(org: AccessOrganization, event: AuditEvent): Promise<void>;
}
