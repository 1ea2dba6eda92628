/**
 * A credential's policy on the wire (an edgekeys extension on every kind, on
 * both surfaces): the optional request fields, the fields every answer
 * carries, and the mapping to the core's `PolicyInput`. Official clients
 * ignore these fields; their own are unchanged.
 */
import { z } from "@hono/zod-openapi";
import type { PolicyInput } from "../../core/credentials/policy";
import { MIN_REFILL_SECONDS } from "../../core/credentials/policy";
import { MAX_ALLOWLIST } from "../../core/credentials/ip-allowlist";
import { PERMISSION_NAMES, PERMISSIONS } from "../../core/shared/permissions";

const EXT = "edgekeys extension: ";
const table = PERMISSION_NAMES.map((p) => `\`${p}\` (${PERMISSIONS[p]})`).join("; ");
const count = z.number().int().min(0).max(1_000_000_000);

const RateLimitSchema = z.object({
  limit: count.min(1).openapi({ description: "Requests admitted per window" }),
  window_seconds: z
    .number()
    .int()
    .min(1)
    .max(31 * 86_400),
});
const RefillSchema = z.object({
  amount: count.min(1).openapi({ description: "Remaining is topped up to this at every interval" }),
  interval_seconds: z
    .number()
    .int()
    .min(MIN_REFILL_SECONDS)
    .max(31 * 86_400)
    .openapi({ description: "Counted from when the credits were set" }),
});

/** Optional request fields (create and update); absent: unchanged (none on create), null: cleared. */
export const PolicyInputFields = {
  permissions: z
    .array(z.string().max(64))
    .max(64)
    .nullish()
    .openapi({
      description: `${EXT}the only permissions this credential has (absent: its owner's rights); at most the creator's own. Known: ${table}`,
    }),
  ip_allowlist: z
    .array(z.string().max(64))
    .max(MAX_ALLOWLIST)
    .nullish()
    .openapi({
      description: `${EXT}IPv4/IPv6 addresses or CIDR ranges this credential may be used from (up to ${MAX_ALLOWLIST}); others get 403`,
    }),
  rate_limit: RateLimitSchema.nullish().openapi({ description: `${EXT}this credential's own rate limit, replacing the default` }),
  credits: z
    .object({ remaining: count, refill: RefillSchema.nullish() })
    .nullish()
    .openapi({ description: `${EXT}each authenticated request spends one; none left answers 429. Setting them resets the count` }),
};

/** The fields every answer carries (null: not limited). `credits.remaining` is the home's count as last written back (at most about a minute old). */
export const PolicyOutputFields = {
  permissions: z
    .array(z.enum(PERMISSION_NAMES))
    .nullable()
    .openapi({ description: `${EXT}the permissions this credential is limited to; null: its owner's rights` }),
  ip_allowlist: z
    .array(z.string())
    .nullable()
    .openapi({ description: `${EXT}canonical addresses and ranges; null: any address` }),
  rate_limit: RateLimitSchema.nullable().openapi({ description: `${EXT}null: the default limit` }),
  credits: z
    .object({ remaining: count, refill: RefillSchema.nullable() })
    .nullable()
    .openapi({ description: `${EXT}remaining as last recorded (at most about a minute old); null: unlimited` }),
};

type Body = { [K in keyof typeof PolicyInputFields]?: z.infer<(typeof PolicyInputFields)[K]> };

/** The request's policy fields as the core takes them. */
export const policyInput = (body: Body): PolicyInput => ({
  permissions: body.permissions,
  ipAllowlist: body.ip_allowlist,
  rateLimit: body.rate_limit && { limit: body.rate_limit.limit, windowSeconds: body.rate_limit.window_seconds },
  credits: body.credits && {
    remaining: body.credits.remaining,
    refill: body.credits.refill ? { amount: body.credits.refill.amount, intervalSeconds: body.credits.refill.interval_seconds } : null,
  },
});
