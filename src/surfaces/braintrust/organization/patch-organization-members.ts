import { createRoute, z } from "@hono/zod-openapi";
import { DomainError, invalid } from "../../../core/shared/errors";
import type { Role } from "../../../core/shared/model";
import type { BraintrustApp } from "../app-type";
import { errorResponses, NameSchema, OrgNameSchema } from "../schemas";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";
import { PolicyInputFields, policyInput } from "../../shared/policy";

/** Each list in one request; keeps every statement under D1's bound-parameter limit. */
export const MAX_PER_LIST = 40;

const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_PER_LIST).nullish();

const PatchOrganizationMembersBody = z
  .object({
    invite_users: z
      .object({
        ids: list(z.uuid()).openapi({ description: "Ids of existing users to invite" }),
        emails: list(z.email().max(320)).openapi({ description: "Emails of users to invite (created when unknown)" }),
        service_accounts: list(
          z.object({
            name: NameSchema,
            token_name: NameSchema.nullish().openapi({ description: "Name of a first service token to create for it" }),
            ...PolicyInputFields,
          }),
        ).openapi({ description: "Service accounts to create" }),
        send_invite_emails: z.boolean().nullish().openapi({ description: "Accepted and ignored: edgekeys sends no email" }),
        group_ids: list(z.uuid()).openapi({ description: "Not supported: name the group in group_names" }),
        group_names: list(z.string()).openapi({ description: 'Groups for the invited: "Owners" makes them owners, "Members" members' }),
        group_id: z.uuid().nullish(),
        group_name: z.string().nullish(),
      })
      .nullish(),
    remove_users: z
      .object({
        ids: list(z.uuid()).openapi({ description: "Ids of members to remove" }),
        emails: list(z.string().max(320)).openapi({ description: "Emails of members to remove" }),
      })
      .nullish(),
    org_name: OrgNameSchema,
    org_id: z.string().nullish(),
  })
  .openapi("PatchOrganizationMembers");

const PatchOrganizationMembersOutput = z
  .object({
    status: z.literal("success"),
    org_id: z.string().openapi({ description: "The id of the org that was modified" }),
    send_email_error: z.string().nullable(),
    added_users: z
      .array(
        z.object({
          id: z.uuid(),
          email: z.string().nullable(),
          api_key: z.string().nullable().openapi({ description: "The raw token of a service account created with token_name; shown once" }),
          token_name: z.string().nullable(),
        }),
      )
      .nullable(),
  })
  .openapi("PatchOrganizationMembersOutput");

/** Braintrust's built-in groups, as roles. */
const GROUP_ROLES: Record<string, Role> = { owners: "owner", members: "member" };

function roleFromGroups(invite: z.infer<typeof PatchOrganizationMembersBody>["invite_users"]): Role {
  if (invite?.group_id != null || invite?.group_ids?.length) {
    throw new DomainError("invalid_request", 'invite_users.group_ids: groups are addressed by name here ("Owners" or "Members")', {
      field: "invite_users.group_ids",
    });
  }
  const names = [...(invite?.group_names ?? []), ...(invite?.group_name != null ? [invite.group_name] : [])];
  let role: Role = "member";
  names.forEach((name, i) => {
    const mapped = GROUP_ROLES[name.toLowerCase()];
    if (!mapped) throw invalid(`invite_users.group_names[${i}]`, `unknown group ${JSON.stringify(name)}; use "Owners" or "Members"`);
    if (mapped === "owner") role = "owner";
  });
  return role;
}

export const patchOrganizationMembersRoute = createRoute({
  method: "patch",
  path: "/organization/members",
  operationId: "patchOrganizationMembers",
  tags: ["Organizations"],
  summary: "Modify organization membership",
  description:
    "Invite users, create service accounts (optionally with a first token, returned once in added_users[].api_key) and remove members, in one atomic change. Needs an org owner's credential. Removing a member deletes its credentials in the org; removing a service account deletes it.",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: PatchOrganizationMembersBody } } } },
  responses: {
    200: { description: "A success status", content: { "application/json": { schema: PatchOrganizationMembersOutput } } },
    ...errorResponses,
  },
});

export type PatchOrganizationMembersRequest = RouteRequest<typeof patchOrganizationMembersRoute>;
export type PatchOrganizationMembersResponse = RouteResponse<typeof patchOrganizationMembersRoute>;

/** edgekeys sends no mail: when asked to, the answer says so instead of pretending it did. */
const NO_EMAIL = "edgekeys sends no email: tell the invited users yourself";

export const registerPatchOrganizationMembers = (app: BraintrustApp) =>
  app.openapi(patchOrganizationMembersRoute, async (c) => {
    const body = c.req.valid("json");
    const { caller, services } = c.var;
    const { org, role } = await services.orgs.resolve(caller, body.org_name, body.org_id);
    const invite = body.invite_users;
    const added = await services.members.change(org, role, {
      inviter: caller.principal.id,
      inviteEmails: invite?.emails ?? [],
      inviteIds: invite?.ids ?? [],
      serviceAccounts: (invite?.service_accounts ?? []).map((sa) => ({
        name: sa.name,
        tokenName: sa.token_name ?? null,
        tokenPolicy: policyInput(sa),
      })),
      grantedBy: caller.credential.policy,
      role: roleFromGroups(invite),
      removeIds: body.remove_users?.ids ?? [],
      removeEmails: body.remove_users?.emails ?? [],
    });
    return c.json(
      {
        status: "success" as const,
        org_id: org.id,
        // Asked to mail the invited and nobody was invited by email, or not asked: nothing to say.
        send_email_error: invite?.send_invite_emails && (invite.emails?.length ?? 0) > 0 ? NO_EMAIL : null,
        added_users: added.map(({ principal, token }) => ({
          id: principal.id,
          email: principal.email,
          api_key: token?.raw ?? null,
          token_name: token?.name ?? null,
        })),
      },
      200,
    );
  });
