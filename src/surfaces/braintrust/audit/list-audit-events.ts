import { createRoute, z } from "@hono/zod-openapi";
import { AUDIT_ACTIONS, AUDIT_TARGETS } from "../../../core/shared/audit-events";
import { listParams, oneCursor, pageSize } from "../pagination";
import type { BraintrustApp } from "../app-type";
import { errorResponses, listOf } from "../schemas";
import { isoOrNull } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const AuditEventSchema = z
  .object({
    id: z.uuid(),
    created: z.string().openapi({ description: "When the change was made (RFC 3339)" }),
    org_id: z.string(),
    actor_principal_id: z.string().nullable().openapi({ description: "Who made it (null: the admin token)" }),
    actor_credential_id: z.string().nullable().openapi({ description: "With which credential" }),
    actor: z
      .object({
        type: z.enum(["principal", "admin_token", "public_revocation", "github_secret_scanning", "edgekeys"]),
        principal_id: z.string().optional(),
        email: z.string().nullable().optional(),
      })
      .openapi({
        description:
          "Who made the change, as the event says: a principal (with its email), the admin token (a bootstrap), anyone holding a leaked secret (public revocation), GitHub's secret scanning, or edgekeys itself (scheduled and delivery work)",
      }),
    action: z.enum(AUDIT_ACTIONS),
    target_type: z.enum(AUDIT_TARGETS),
    target_id: z.string(),
    client_ip: z.string().nullable(),
    request_id: z.string().nullable(),
    changes: z.record(z.string(), z.unknown()).openapi({ description: "The fields the change set; never a secret" }),
  })
  .openapi("AuditEvent");

const { ids: _ids, ...cursorParams } = listParams;

const ListAuditEventsQuery = z
  .object({
    ...cursorParams,
    target_id: z.string().max(64).optional().openapi({ description: "Only events about this object" }),
    action: z.enum(AUDIT_ACTIONS).optional(),
    since: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only events at or after this time" }),
    until: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only events before this time" }),
    org_name: z.string().optional(),
  })
  .superRefine(oneCursor);

export const listAuditEventsRoute = createRoute({
  method: "get",
  path: "/audit_events",
  operationId: "getAuditEvents",
  tags: ["Audit (edgekeys extension)"],
  summary: "List audit events",
  description:
    "The org's audit log, newest first: every change to a credential, every bootstrap and membership change. Page with `starting_after` until a page comes back empty. Org owners only. Not part of Braintrust's API.",
  security: [{ bearerAuth: [] }],
  request: { query: ListAuditEventsQuery },
  responses: {
    200: { description: "A page of events", content: { "application/json": { schema: listOf(AuditEventSchema, "audit event") } } },
    ...errorResponses,
  },
});

export type ListAuditEventsRequest = RouteRequest<typeof listAuditEventsRoute>;
export type ListAuditEventsResponse = RouteResponse<typeof listAuditEventsRoute>;

export const registerListAuditEvents = (app: BraintrustApp) =>
  app.openapi(listAuditEventsRoute, async (c) => {
    const q = c.req.valid("query");
    const { caller, services } = c.var;
    const { org, role } = await services.orgs.resolve(caller, q.org_name);
    const events = await services.auditLog.list(
      { orgId: org.id, role },
      {
        targetId: q.target_id,
        action: q.action,
        since: q.since === undefined ? undefined : Date.parse(q.since),
        until: q.until === undefined ? undefined : Date.parse(q.until),
        startingAfter: q.starting_after,
        endingBefore: q.ending_before,
        limit: pageSize(q.limit),
      },
    );
    return c.json(
      {
        objects: events.map((e) => ({
          id: e.id,
          created: isoOrNull(e.at)!,
          org_id: e.orgId,
          actor_principal_id: e.actorPrincipalId,
          actor_credential_id: e.actorCredentialId,
          actor:
            e.actor.type === "principal"
              ? { type: e.actor.type, principal_id: e.actor.principalId, email: e.actor.email }
              : { type: e.actor.type },
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          client_ip: e.clientIp,
          request_id: e.requestId,
          changes: e.changes,
        })),
      },
      200,
    );
  });
