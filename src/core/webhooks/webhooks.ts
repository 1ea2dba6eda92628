/**
 * Webhook endpoints of an org: where lifecycle events are delivered, signed
 * with a secret shown once and kept sealed. Owners only, every change audited.
 */
import type { AuditContext } from "../shared/audit-events";
import { DomainError, invalid, notFound } from "../shared/errors";
import { uuidv7 } from "../shared/ids";
import { requireOwner } from "../shared/kinds";
import type { LifecycleEvent } from "./lifecycle";
import type { Acting } from "../shared/model";
import type { SecretBox } from "./secret-box";
import type { Delivery, Webhook, WebhookPage, WebhookStore } from "./ports";
import { webhookUrlProblem } from "./url";
import { newWebhookSecret } from "./signing";

export interface CreateWebhook {
  url: string;
  events?: LifecycleEvent[];
  description?: string;
}

/** Webhooks per org: each event becomes one signed request per webhook, so the fan-out is bounded (Stripe allows 16 too). */
export const MAX_WEBHOOKS_PER_ORG = 16;

/** How long the previous secret keeps signing after a rotation, unless asked otherwise. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 86_400;

const webhookNotFound = (id: string) => notFound("Webhook", id);

export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly box: SecretBox,
    private readonly allowInsecure: boolean,
    private readonly audit: AuditContext,
    private readonly now: () => number = Date.now,
  ) {}

  async create(acting: Acting, input: CreateWebhook): Promise<{ webhook: Webhook; secret: string }> {
    const orgId = authorize(acting);
    const problem = webhookUrlProblem(input.url, this.allowInsecure);
    if (problem) throw invalid("url", problem);
    const now = this.now();
    const id = uuidv7(now);
    const secret = newWebhookSecret();
    const webhook: Webhook = {
      id,
      orgId,
      url: input.url,
      events: input.events?.length ? [...new Set(input.events)] : null,
      description: input.description ?? null,
      secretSealed: await this.box.seal(id, secret),
      prevSecretSealed: null,
      prevExpiresAt: null,
      failingSince: null,
      disabledAt: null,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
    const event = this.audit.event("webhook.create", orgId, "webhook", id, { url: webhook.url, events: webhook.events }, now);
    if (!(await this.store.insertWebhook(webhook, event, MAX_WEBHOOKS_PER_ORG))) {
      throw new DomainError("conflict", `An org has at most ${MAX_WEBHOOKS_PER_ORG} webhooks; delete one first`);
    }
    return { webhook, secret };
  }

  async list(acting: Acting, page: Omit<WebhookPage, "orgId">): Promise<Webhook[]> {
    return this.store.listWebhooks({ ...page, orgId: authorize(acting) });
  }

  async get(acting: Acting, id: string): Promise<Webhook> {
    const found = await this.store.getWebhook(authorize(acting), id);
    if (!found) throw webhookNotFound(id);
    return found;
  }

  async delete(acting: Acting, id: string): Promise<Webhook> {
    const current = await this.get(acting, id);
    const event = this.audit.event("webhook.delete", current.orgId, "webhook", id, { url: current.url }, this.now());
    if (!(await this.store.deleteWebhook(current.orgId, id, event))) throw webhookNotFound(id);
    return current;
  }

  /** A new secret; the current one keeps signing beside it for `graceSeconds` (the spec's multi-signature header). */
  async rotateSecret(
    acting: Acting,
    id: string,
    graceSeconds = DEFAULT_ROTATION_GRACE_SECONDS,
  ): Promise<{ webhook: Webhook; secret: string }> {
    const current = await this.get(acting, id);
    const now = Math.max(this.now(), current.updatedAt + 1);
    const secret = newWebhookSecret();
    const next = {
      secretSealed: await this.box.seal(id, secret),
      prevSecretSealed: graceSeconds > 0 ? current.secretSealed : null,
      prevExpiresAt: graceSeconds > 0 ? now + graceSeconds * 1000 : null,
      updatedAt: now,
    };
    const event = this.audit.event(
      "webhook.rotate_secret",
      current.orgId,
      "webhook",
      id,
      { previous_secret_expires_at: next.prevExpiresAt },
      now,
    );
    if (!(await this.store.rotateSecret(current.orgId, id, current.updatedAt, next, event))) {
      throw new DomainError("conflict", `Webhook ${JSON.stringify(id)} is being changed concurrently; retry`);
    }
    return { webhook: { ...current, ...next }, secret };
  }

  async deliveries(acting: Acting, id: string, limit: number, before?: string): Promise<Delivery[]> {
    const webhook = await this.get(acting, id);
    return this.store.listDeliveries(webhook.id, limit, before);
  }
}

function authorize(acting: Acting): string {
  requireOwner(acting.role, "Managing webhooks");
  return acting.orgId;
}
