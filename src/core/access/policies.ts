/**
 * Access policies: reusable ones at account level (`/access/policies`), and
 * those seen through one application (`/access/apps/{app_id}/policies`): its
 * own (app-scoped) policies and the reusable ones it links, each with its
 * precedence there. Owner-only and audited, as applications are.
 */
import type { AccessAppStore, LinkedPolicy, PolicyWithCount } from "./ports";
import { type AccessAppService, authorizeAccess, type PolicyInput, policyFrom } from "./apps";
import type { AuditContext } from "../shared/audit-events";
import { DomainError, invalid, notFound } from "../shared/errors";
import { uuidv7 } from "../shared/ids";
import type { Acting } from "../shared/model";

const policyNotFound = (id: string) => notFound("Access policy", id);

export class AccessPolicyService {
  constructor(
    private readonly store: AccessAppStore,
    private readonly apps: AccessAppService,
    private readonly changed: () => void,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  // ─── Reusable ─────────────────────────────────────────────────────────────

  async createReusable(acting: Acting, input: PolicyInput): Promise<PolicyWithCount> {
    const orgId = authorizeAccess(acting);
    const now = this.now();
    const policy = policyFrom(input, { id: uuidv7(now), orgId, appId: null, createdAt: now }, now);
    await this.store.savePolicy(policy, true, null, this.event("access_policy.create", policy.orgId, policy.id, input, now));
    this.changed();
    return { ...policy, appCount: 0 };
  }

  async listReusable(acting: Acting, page: number, perPage: number) {
    return this.store.listReusablePolicies(authorizeAccess(acting), (page - 1) * perPage, perPage);
  }

  async getReusable(acting: Acting, id: string): Promise<PolicyWithCount> {
    const [found] = await this.store.findPolicies(authorizeAccess(acting), [id]);
    if (!found || found.appId !== null) throw policyNotFound(id);
    return found;
  }

  async updateReusable(acting: Acting, id: string, input: PolicyInput): Promise<PolicyWithCount> {
    const current = await this.getReusable(acting, id);
    const now = Math.max(this.now(), current.updatedAt);
    const policy = policyFrom(input, current, now);
    await this.store.savePolicy(policy, false, null, this.event("access_policy.update", current.orgId, id, input, now));
    this.changed();
    return { ...policy, appCount: current.appCount };
  }

  /** Deletes it and removes it from every application that links it. */
  async deleteReusable(acting: Acting, id: string): Promise<string> {
    const current = await this.getReusable(acting, id);
    await this.remove(current.orgId, id);
    return id;
  }

  // ─── Through one application ─────────────────────────────────────────────

  async listForApp(acting: Acting, appId: string): Promise<LinkedPolicy[]> {
    return (await this.apps.get(acting, appId)).policies;
  }

  /** A new app-scoped policy, at `precedence` (default: after the last). */
  async createForApp(acting: Acting, appId: string, input: PolicyInput, precedence?: number): Promise<LinkedPolicy> {
    const app = await this.apps.get(acting, appId);
    if (app.policies.length && app.policies.every((p) => p.appId === null)) {
      throw new DomainError(
        "invalid_request",
        "This application uses reusable policies, which cannot be mixed with its own; link another reusable policy instead",
      );
    }
    const now = this.now();
    const policy = policyFrom(input, { id: uuidv7(now), orgId: app.orgId, appId, createdAt: now }, now);
    const at = precedence ?? Math.max(0, ...app.policies.map((p) => p.precedence)) + 1;
    await this.store.savePolicy(
      policy,
      true,
      { appId, precedence: at },
      this.event("access_policy.create", app.orgId, policy.id, input, now, appId),
    );
    this.changed();
    return { ...policy, precedence: at };
  }

  async getForApp(acting: Acting, appId: string, id: string): Promise<LinkedPolicy> {
    const found = (await this.apps.get(acting, appId)).policies.find((p) => p.id === id);
    if (!found) throw policyNotFound(id);
    return found;
  }

  /** Replaces one of the application's own policies (a reusable one is changed at account level). */
  async updateForApp(acting: Acting, appId: string, id: string, input: PolicyInput, precedence?: number): Promise<LinkedPolicy> {
    const current = await this.getForApp(acting, appId, id);
    if (current.appId === null) throw invalid("policy_id", "a reusable policy is changed under /access/policies/{policy_id}");
    const now = Math.max(this.now(), current.updatedAt);
    const policy = policyFrom(input, current, now);
    const at = precedence ?? current.precedence;
    await this.store.savePolicy(
      policy,
      false,
      { appId, precedence: at },
      this.event("access_policy.update", current.orgId, id, input, now, appId),
    );
    this.changed();
    return { ...policy, precedence: at };
  }

  /** Deletes one of the application's own policies, or unlinks a reusable one from it (the policy stays). */
  async deleteForApp(acting: Acting, appId: string, id: string): Promise<string> {
    const current = await this.getForApp(acting, appId, id);
    if (current.appId !== null) {
      await this.remove(current.orgId, id);
      return id;
    }
    const event = this.audit.event("access_policy.unlink", current.orgId, "access_policy", id, { app_id: appId }, this.now());
    if (!(await this.store.unlinkPolicy(appId, id, event))) throw policyNotFound(id);
    this.changed();
    return id;
  }

  private async remove(orgId: string, id: string): Promise<void> {
    const event = this.audit.event("access_policy.delete", orgId, "access_policy", id, {}, this.now());
    if (!(await this.store.deletePolicy(orgId, id, event))) throw policyNotFound(id);
    this.changed();
  }

  /** The audit event of a write: what the client set, rules included (they hold ids and ranges, never secrets). */
  private event(
    action: "access_policy.create" | "access_policy.update",
    orgId: string,
    id: string,
    input: PolicyInput,
    now: number,
    appId?: string,
  ) {
    const changes = { name: input.name, decision: input.decision, ...input.rules, ...(appId ? { app_id: appId } : {}) };
    return this.audit.event(action, orgId, "access_policy", id, changes, now);
  }
}
