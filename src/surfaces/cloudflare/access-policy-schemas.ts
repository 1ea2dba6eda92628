/**
 * Cloudflare Access policy wire schemas, from Cloudflare's API schema and SDK
 * 7.3.0: one body for reusable (`/access/policies`) and app-scoped
 * (`/access/apps/{app_id}/policies`) policies, and the three ways a policy is
 * answered (reusable, seen through an application, app-scoped).
 *
 * Rules are Access's one-key objects. edgekeys enforces four kinds and has
 * no user identities, so every other kind, and the `allow` decision, is
 * refused when written rather than stored and silently never matched.
 */
import { z } from "@hono/zod-openapi";
import { type AccessRule, cidrProblem, POLICY_DECISIONS, RULE_KINDS, type RuleKind } from "../../core/access/decision";
import { plainText } from "../../http/text";
import { keepableFields, parseInto, PrecedenceSchema, SessionDurationSchema } from "./access-schema-kit";

const timestamp = z.iso.datetime({ offset: true });
const EXAMPLE_TOKEN_ID = "0190f3a0-3c6e-7b8a-9d41-2f5e8c1a7b90";

const ALLOW_REFUSED =
  'the "allow" decision needs user identities (an identity provider), which edgekeys does not have; use "non_identity" (Service Auth) with service-token rules, "bypass" or "deny"';

export const DecisionSchema = z
  .enum(POLICY_DECISIONS, { error: (issue) => (issue.input === "allow" ? ALLOW_REFUSED : undefined) })
  .openapi({
    description:
      "`non_identity` (Service Auth: admits a request that brings a matching service token), `bypass` (admits a matching request with no credentials) or `deny` (Block). `allow` is refused: it needs user identities",
    example: "non_identity",
  });

/** The body of each rule kind, under its one key. */
const RULE_BODIES = {
  service_token: z.strictObject({ token_id: z.uuid().openapi({ description: "UUID of an Access service token of the account" }) }),
  any_valid_service_token: z.strictObject({}),
  everyone: z.strictObject({}),
  ip: z.strictObject({
    ip: z
      .string()
      .max(64)
      .superRefine((value, ctx) => {
        const problem = cidrProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({ description: "An IPv4 or IPv6 address or CIDR range", example: "192.0.2.0/24" }),
  }),
} satisfies Record<RuleKind, z.ZodType>;

const SUPPORTED = RULE_KINDS.join(", ");
const isRuleKind = (key: string): key is RuleKind => (RULE_KINDS as readonly string[]).includes(key);

/** A rule as answered (and as documented): one of the four kinds. */
export const AccessRuleSchema = z
  .union([
    z.object({ service_token: RULE_BODIES.service_token }),
    z.object({ any_valid_service_token: RULE_BODIES.any_valid_service_token }),
    z.object({ everyone: RULE_BODIES.everyone }),
    z.object({ ip: RULE_BODIES.ip }),
  ])
  .openapi("AccessRule", {
    description: "A rule: an object with exactly one key naming its kind",
    example: { service_token: { token_id: EXAMPLE_TOKEN_ID } },
  });

/**
 * A rule as written: the kind is read first, so that an unsupported one is
 * named with the list of supported ones, and a bad token id or range is
 * reported at its own field (`include[0].ip.ip`).
 */
const RuleInputSchema = z
  .looseObject({})
  .transform((rule, ctx): AccessRule => {
    const kinds = Object.keys(rule);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `a rule is an object with exactly one key naming its kind (${SUPPORTED}); got ${kinds.length}`,
      });
      return z.NEVER;
    }
    const kind = kinds[0]!;
    if (!isRuleKind(kind)) {
      ctx.addIssue({
        code: "custom",
        message: `unsupported rule kind ${JSON.stringify(kind)}: edgekeys has no user identities and enforces only ${SUPPORTED}`,
      });
      return z.NEVER;
    }
    // Valid for this kind's body, so the one-key object is that AccessRule.
    return { [kind]: parseInto(RULE_BODIES[kind], rule[kind], ctx, [kind]) } as AccessRule;
  })
  .openapi({
    description: `A rule: an object with exactly one key naming its kind, one of ${SUPPORTED} (see AccessRule)`,
    example: { service_token: { token_id: EXAMPLE_TOKEN_ID } },
  });

const MAX_RULES = 100;
const rules = (description: string) => z.array(RuleInputSchema).max(MAX_RULES).openapi({ description });

/** Fields a client may send but never sets: they are ignored, not stored. */
export const POLICY_READ_ONLY = ["id", "created_at", "updated_at", "reusable", "app_count", "account_id", "org_id", "precedence"] as const;

/** The fields of a policy body, also those of an inline policy in an application's `policies`. */
export const policyBodyShape = {
  name: plainText(z.string().min(1).max(256)).openapi({ description: "The name of the policy", example: "Deploy bots" }),
  decision: DecisionSchema,
  include: rules("A request matches when any of these matches (OR); at least one").min(1),
  require: rules("Every one of these must match (AND). Default []").optional(),
  exclude: rules("None of these may match (NOT). Default []").optional(),
  precedence: PrecedenceSchema.optional().openapi({
    description: "App-scoped policies only: the order of evaluation (default: after the last). Ignored on reusable policies",
  }),
  session_duration: SessionDurationSchema.nullable().optional(),
  approval_required: z.boolean().optional(),
  approval_groups: z
    .array(
      z.looseObject({
        approvals_needed: z.number().int().min(0),
        email_addresses: z.array(z.string().max(320)).max(1000).optional(),
        email_list_uuid: z.string().max(64).optional(),
      }),
    )
    .max(100)
    .optional(),
  isolation_required: z.boolean().optional(),
  purpose_justification_required: z.boolean().optional(),
  purpose_justification_prompt: z.string().max(4096).optional(),
  mfa_config: z
    .looseObject({
      allowed_authenticators: z.array(z.enum(["totp", "biometrics", "security_key"])).optional(),
      mfa_disabled: z.boolean().optional(),
      session_duration: SessionDurationSchema.optional(),
    })
    .optional(),
  connection_rules: z.looseObject({}).optional(),
};

const OTHER_FIELDS =
  "Other fields (`session_duration`, `approval_required`, `mfa_config`, … and any Access adds) are stored and returned as sent; edgekeys decides on `decision` and the rules alone.";

export const PolicyBodySchema = z
  .looseObject(policyBodyShape)
  .superRefine(keepableFields)
  .openapi("AccessPolicyRequest", {
    description: `An Access policy. ${OTHER_FIELDS} \`id\`, \`created_at\`, \`updated_at\`, \`reusable\`, \`app_count\` and \`account_id\` are ignored.`,
  });

export type PolicyBody = z.output<typeof PolicyBodySchema>;

/** An inline policy inside an application's `policies`: the policy body, and the id of one of the application's own to replace it. */
export const InlinePolicySchema = z
  .looseObject({
    ...policyBodyShape,
    id: z.uuid().optional().openapi({ description: "One of the application's own policies, to replace" }),
  })
  .superRefine(keepableFields);

export type InlinePolicyBody = z.output<typeof InlinePolicySchema>;

// ─── Answers ────────────────────────────────────────────────────────────────

const policyResponseShape = {
  id: z.uuid().openapi({ description: "The ID of the policy" }),
  name: z.string(),
  decision: z.enum(POLICY_DECISIONS),
  include: z.array(AccessRuleSchema),
  require: z.array(AccessRuleSchema),
  exclude: z.array(AccessRuleSchema),
  account_id: z.string().openapi({ description: "The account (32 hex)" }),
  created_at: timestamp,
  updated_at: timestamp,
};

export const ReusablePolicySchema = z
  .looseObject({
    ...policyResponseShape,
    reusable: z.literal(true),
    app_count: z.number().int().openapi({ description: "How many applications use this policy" }),
  })
  .openapi("AccessReusablePolicy", { description: `A reusable (account-level) policy. ${OTHER_FIELDS}` });

export const AppPolicySchema = z
  .looseObject({
    ...policyResponseShape,
    precedence: z.number().int().openapi({ description: "Its order of evaluation in this application" }),
    reusable: z.literal(true).optional().openapi({ description: "Present (true) when this is a reusable policy the application links" }),
  })
  .openapi("AccessAppPolicy", { description: `A policy as one application uses it: its own, or a reusable one it links. ${OTHER_FIELDS}` });

export type ReusablePolicyWire = z.output<typeof ReusablePolicySchema>;
export type AppPolicyWire = z.output<typeof AppPolicySchema>;
