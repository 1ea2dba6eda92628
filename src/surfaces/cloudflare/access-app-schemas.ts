/**
 * Cloudflare Access application wire schemas (self-hosted applications), from
 * Cloudflare's API schema and SDK 7.3.0. Request and answer share one shape:
 * the fields edgekeys acts on (`domain`, `destinations`, `policies`) are
 * validated for what it enforces; the other fields Access knows are checked
 * for type, and every field is stored and returned as sent.
 */
import { z } from "@hono/zod-openapi";
import { plainText } from "../../http/text";
import { AppPolicySchema, InlinePolicySchema, type InlinePolicyBody } from "./access-policy-schemas";
import { keepableFields, parseInto, PrecedenceSchema, SessionDurationSchema } from "./access-schema-kit";

const timestamp = z.iso.datetime({ offset: true });

const SELF_HOSTED_ONLY = "edgekeys guards HTTP hosts and paths: only self_hosted applications are supported";

const AppTypeSchema = z
  .literal("self_hosted", {
    error: (issue) =>
      issue.input === undefined ? `required; ${SELF_HOSTED_ONLY}` : `${SELF_HOSTED_ONLY}, not ${JSON.stringify(issue.input)}`,
  })
  .openapi({ description: "The application type; edgekeys supports `self_hosted`", example: "self_hosted" });

/** A host and optional path; what it may be is the core's rule (`core/access/app-domain.ts`), checked there with the field's name. */
const HostPathSchema = plainText(z.string().min(1).max(1024));

const DestinationSchema = z.looseObject({
  type: z
    .literal("public", {
      error: (issue) =>
        `edgekeys guards HTTP hosts and paths: only "public" destinations are supported${issue.input === undefined ? "" : `, not ${JSON.stringify(issue.input)}`}`,
    })
    .openapi({ description: "`public` (a host and optional path)" }),
  uri: HostPathSchema.openapi({ description: "Host and optional path, without scheme", example: "app.example.com/api" }),
  // Refused rather than kept: a path the client means to be public would stay guarded, unannounced.
  overrides: z
    .array(z.unknown())
    .max(0, { message: "path overrides are not supported; give the path its own application with a bypass policy" })
    .optional(),
});

// ─── policies ──────────────────────────────────────────────────────────────

/** An entry of `policies`, told apart by its shape before it is validated. */
export type PolicyEntry = { link: string; precedence?: number } | { inline: InlinePolicyBody; id?: string; precedence?: number };

const LINK_KEYS = ["id", "precedence", "account_id"];
const LinkSchema = z.strictObject({ id: z.uuid(), precedence: PrecedenceSchema.optional(), account_id: z.string().max(64).optional() });
const ENTRY_SHAPES =
  "a policy is a reusable policy's id, an object {id, precedence} linking one, or an inline policy with name, decision and include";

const PolicyEntrySchema = z
  .unknown()
  .transform((entry, ctx): PolicyEntry => {
    if (typeof entry === "string") return { link: parseInto(z.uuid(), entry, ctx) };
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      ctx.addIssue({ code: "custom", message: ENTRY_SHAPES });
      return z.NEVER;
    }
    if (Object.keys(entry).every((key) => LINK_KEYS.includes(key))) {
      const link = parseInto(LinkSchema, entry, ctx);
      return { link: link.id, precedence: link.precedence };
    }
    const inline = parseInto(InlinePolicySchema, entry, ctx);
    return { inline, id: inline.id, precedence: inline.precedence };
  })
  .openapi({
    description:
      "A reusable policy's id, an object {id, precedence} linking one, or an inline policy (owned by this application; its `id`, when given, names one of the application's own to replace)",
    example: { id: "0190f3a0-3c6e-7b8a-9d41-2f5e8c1a7b90", precedence: 1 },
  });

// ─── the application ───────────────────────────────────────────────────────

const optionalStrings = (max: number) => z.array(z.string().max(1024)).max(max).optional();

/** The fields Access documents besides those edgekeys acts on: checked for type, stored and returned as sent. */
const storedShape = {
  allowed_idps: optionalStrings(100),
  auto_redirect_to_identity: z.boolean().optional(),
  app_launcher_visible: z.boolean().optional(),
  service_auth_401_redirect: z.boolean().optional(),
  read_service_tokens_from_header: z
    .string()
    .max(256)
    .regex(/^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/, "must be a header name")
    .refine((name) => !/^cf[-_]access[-_]/i.test(name), "must not be one of Access's own headers (CF-Access-*)")
    .optional()
    .openapi({
      description:
        'A header that may carry a service token as JSON, {"cf-access-client-id", "cf-access-client-secret"}, besides CF-Access-Client-Id/-Secret; it never reaches the origin',
    }),
  options_preflight_bypass: z.boolean().optional(),
  cors_headers: z
    .looseObject({
      allow_all_headers: z.boolean().optional(),
      allow_all_methods: z.boolean().optional(),
      allow_all_origins: z.boolean().optional(),
      allow_credentials: z.boolean().optional(),
      allowed_headers: optionalStrings(100),
      allowed_methods: optionalStrings(20),
      allowed_origins: optionalStrings(100),
      max_age: z.number().int().min(-1).max(86400).optional(),
    })
    .optional(),
  enable_binding_cookie: z.boolean().optional(),
  http_only_cookie_attribute: z.boolean().optional(),
  same_site_cookie_attribute: z.string().max(16).optional(),
  path_cookie_attribute: z.boolean().optional(),
  eager_redirect_cookie_setting: z.boolean().optional(),
  skip_interstitial: z.boolean().optional(),
  allow_iframe: z.boolean().optional(),
  allow_authenticate_via_warp: z.boolean().optional(),
  custom_deny_message: z.string().max(4096).optional(),
  custom_deny_url: z.string().max(2048).optional(),
  custom_non_identity_deny_url: z.string().max(2048).optional(),
  custom_pages: optionalStrings(100),
  tags: optionalStrings(100),
  logo_url: z.string().max(2048).optional(),
};

const MAX_DESTINATIONS = 50;
const MAX_POLICIES = 50;

export const AppBodySchema = z
  .looseObject({
    type: AppTypeSchema,
    domain: HostPathSchema.openapi({ description: "The primary host and optional path, without scheme", example: "app.example.com/admin" }),
    name: plainText(z.string().min(1).max(256)).optional().openapi({ description: "Display name (default: the domain)", example: "Admin" }),
    destinations: z.array(DestinationSchema).max(MAX_DESTINATIONS).optional().openapi({
      description: "More hosts and paths the application guards (`public` only); supersedes `self_hosted_domains`",
    }),
    self_hosted_domains: z.array(HostPathSchema).max(MAX_DESTINATIONS).optional().openapi({
      description: "Deprecated by Access: more hosts and paths, used only when `destinations` is absent",
    }),
    session_duration: SessionDurationSchema.default("24h"),
    policies: z.array(PolicyEntrySchema).max(MAX_POLICIES).optional().openapi({
      description:
        "In ascending precedence (each at its position from 1 unless it gives `precedence`). Reusable and inline policies cannot be mixed. Without `policies`, an update keeps the application's policies",
    }),
    ...storedShape,
  })
  .superRefine((body, ctx) => {
    keepableFields(body, ctx);
    // Access refuses the pair: the bypass answers preflights itself, which the CORS settings would configure.
    if (body.options_preflight_bypass && body.cors_headers) {
      ctx.addIssue({ code: "custom", message: "cannot be set together with cors_headers", path: ["options_preflight_bypass"] });
    }
  })
  .openapi("AccessApplicationRequest", {
    description:
      "A self-hosted application. A PUT replaces it whole (except `policies`, kept when absent). Fields other than these (and any Access adds) are stored and returned as sent. `id`, `aud`, `account_id`, `org_id`, `created_at` and `updated_at` are ignored.",
  });

export type AppBody = z.output<typeof AppBodySchema>;

/** Fields a client may send but never sets (an `account_id` or `org_id` sent in would be returned as if it were ours). */
export const APP_READ_ONLY = ["id", "aud", "created_at", "updated_at", "account_id", "org_id"] as const;

export const AccessAppSchema = z
  .looseObject({
    id: z.uuid().openapi({ description: "UUID of the application" }),
    aud: z.string().openapi({
      description: "The Application Audience (AUD) tag: in the `aud` of every assertion issued for it",
      example: "737646a56ab1df6ec9bddc7e5ca84eaf3b0768850f3ffb5d74f1534911fe3893",
    }),
    name: z.string(),
    domain: z.string(),
    type: z.string().openapi({ example: "self_hosted" }),
    session_duration: z.string(),
    policies: z.array(AppPolicySchema).openapi({ description: "Its policies, in ascending precedence" }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("AccessApplication", { description: "A self-hosted Access application; every other field it was given is returned as stored." });

export type AccessAppWire = z.output<typeof AccessAppSchema>;
