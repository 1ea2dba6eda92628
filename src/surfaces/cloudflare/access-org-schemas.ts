/**
 * The Access organization's wire schemas (Cloudflare's API and SDK 7.x,
 * `zeroTrust.organizations`). The two settings edgekeys acts on are validated
 * for what it enforces; the other fields Access defines are checked for type
 * and, like any field, stored and returned as sent.
 */
import { z } from "@hono/zod-openapi";
import { MAX_INACTIVITY_DAYS, MIN_INACTIVITY_DAYS } from "../../core/access/organization";
import { type AccessOrganization, INACTIVITY_ACTIONS } from "../../core/access/ports";
import { keepableFields, omit, SessionDurationSchema } from "./access-schema-kit";

const InactivitySchema = z
  .looseObject({
    enabled: z.boolean().optional().openapi({ description: "Whether inactive service tokens are disabled or deleted by the cron" }),
    inactivity_threshold_days: z
      .number()
      .int()
      .min(MIN_INACTIVITY_DAYS)
      .max(MAX_INACTIVITY_DAYS)
      .optional()
      .openapi({
        description: `Days without a successful authentication (and of age) before a token counts as inactive (${MIN_INACTIVITY_DAYS}–${MAX_INACTIVITY_DAYS})`,
      }),
    action: z.enum(INACTIVITY_ACTIONS).optional().openapi({ description: "What an inactive token gets" }),
  })
  .openapi("AccessServiceTokenInactivity");

const strings = z.array(z.string().max(1024)).max(1000).optional();

/** Fields Access documents that edgekeys does not act on: checked for type, kept as sent. */
const storedShape = {
  name: z.string().max(256).optional(),
  auth_domain: z.string().max(256).optional(),
  session_duration: SessionDurationSchema.optional(),
  allow_authenticate_via_warp: z.boolean().optional(),
  auto_redirect_to_identity: z.boolean().optional(),
  deny_unmatched_requests: z.boolean().optional(),
  deny_unmatched_requests_exempted_zone_names: strings,
  is_ui_read_only: z.boolean().optional(),
  ui_read_only_toggle_reason: z.string().max(1024).optional(),
  login_design: z.looseObject({}).optional(),
  custom_pages: z.looseObject({}).optional(),
  mfa_config: z.looseObject({}).optional(),
  mfa_piv_key_requirements: z.looseObject({}).optional(),
  mfa_required_for_all_apps: z.boolean().optional(),
  user_seat_expiration_inactive_time: z.string().max(64).optional(),
  warp_auth_non_browser_401: z.boolean().optional(),
  warp_auth_session_duration: z.string().max(64).optional(),
};

/** What a client may not set; dropped before storing. */
const READ_ONLY = ["account_id", "created_at", "updated_at"];

export const OrganizationBodySchema = z
  .looseObject({
    strict_service_token_auth: z.boolean().optional().openapi({
      description:
        "Strict service-token auth: duplicate, incomplete or doubly sent service-token credentials are refused (401). New accounts start with it on and cannot turn it off; accounts older than it start with it off",
    }),
    service_token_inactivity: InactivitySchema.optional(),
    ...storedShape,
  })
  .superRefine((body, ctx) => keepableFields(body, ctx))
  .transform((body) => omit(body, READ_ONLY))
  .openapi("AccessOrganizationRequest", {
    description: "Fields given replace theirs (`service_token_inactivity` member by member); fields left out stay as they are.",
  });

export const AccessOrganizationSchema = z
  .looseObject({
    strict_service_token_auth: z.boolean(),
    service_token_inactivity: InactivitySchema.optional(),
  })
  .openapi("AccessOrganization", { description: "The account's Zero Trust organization; every field it was given is returned as stored." });

export type AccessOrganizationWire = z.output<typeof AccessOrganizationSchema>;

export const organizationToWire = (org: AccessOrganization): AccessOrganizationWire => ({
  ...org.settings,
  strict_service_token_auth: org.strict,
});
