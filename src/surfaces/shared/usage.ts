/**
 * Usage on the wire (edgekeys extensions, the same shape on both surfaces):
 * a credential's requests by outcome over time, and the org's credentials
 * ranked by requests. Schemas written once for validation, types and the
 * OpenAPI document; the Cloudflare surface wraps them in its envelope.
 */
import { z } from "@hono/zod-openapi";
import { type Tally, USAGE_OUTCOMES, type UsageSeries } from "../../core/credentials/usage";
import type { RankedCredential } from "../../core/credentials/ports";
import type { LiveUse } from "../../core/credentials/ports";
import { dateTime, iso, isoOrNull } from "./api-key";

const OUTCOME_TEXT: Record<(typeof USAGE_OUTCOMES)[number], string> = {
  success: "admitted",
  rate_limited: "refused by the rate limit",
  credits_exhausted: "refused: no credits left",
  ip_refused: "refused: the client's address is outside the IP allowlist",
  disabled: "refused: the credential is disabled",
  expired: "refused: the credential has expired",
  wrong_secret: "refused: a wrong secret for this credential",
};

const Counts = z.object({
  requests: z.number().int().openapi({ description: "Every request counted, whatever its outcome" }),
  ...(Object.fromEntries(
    USAGE_OUTCOMES.map((o) => [
      o,
      z
        .number()
        .int()
        .openapi({ description: `Requests ${OUTCOME_TEXT[o]}` }),
    ]),
  ) as Record<(typeof USAGE_OUTCOMES)[number], z.ZodNumber>),
});

export const UsageQuerySchema = z.object({
  granularity: z
    .enum(["minute", "hour"])
    .optional()
    .openapi({ description: "minute (kept 24 hours) or hour (kept 30 days); default hour" }),
  from: dateTime.optional().openapi({ description: "Start (RFC 3339); default one hour (minutes) or one day (hours) before `to`" }),
  to: dateTime.optional().openapi({ description: "End (RFC 3339), exclusive; default now" }),
});

export const CredentialUsageSchema = z
  .object({
    id: z.uuid(),
    granularity: z.enum(["minute", "hour"]),
    from: dateTime.openapi({ description: "The first bucket's start (clipped to what is kept)" }),
    to: dateTime.openapi({ description: "The end of the last bucket" }),
    last_used_at: dateTime.nullable().openapi({ description: "The last admitted request, exact (read from the credential's home)" }),
    credits_remaining: z.number().int().nullable().openapi({ description: "Credits left now, exact; null without credits" }),
    totals: Counts,
    series: z.array(Counts.extend({ start: dateTime })).openapi({ description: "Every bucket of the range, empty ones included" }),
  })
  .openapi("CredentialUsage");

export const RankQuerySchema = z.object({
  from: dateTime
    .optional()
    .openapi({ description: "Start (RFC 3339), floored to its UTC day and clipped to the 31 days kept; default 30 days before `to`" }),
  to: dateTime.optional().openapi({ description: "End (RFC 3339), rounded up to a UTC day, at most the end of today; default now" }),
  order: z.enum(["desc", "asc"]).optional().openapi({ description: "desc: most used first (default); asc: least used first" }),
  kind: z.enum(["api_key", "service_token", "access_token"]).optional().openapi({ description: "Only credentials of this kind" }),
  limit: z.coerce.number().int().min(1).max(100).optional().openapi({ description: "Page size (default 20, at most 100)" }),
  cursor: z.string().max(200).optional().openapi({ description: "`next_cursor` of the previous page" }),
});

export const OrgUsageSchema = z
  .object({
    from: dateTime,
    to: dateTime,
    objects: z.array(
      Counts.extend({
        id: z.uuid(),
        kind: z.enum(["api_key", "service_token", "access_token"]),
        name: z.string(),
        client_id: z.string().nullable(),
        owner_id: z.uuid().nullable().openapi({ description: "The user or service account owning it; null for Access tokens" }),
        last_used_at: dateTime.nullable().openapi({ description: "As last reported by its home (up to about 70 minutes behind)" }),
      }),
    ),
    next_cursor: z.string().nullable(),
  })
  .openapi("OrgUsage");

const counts = (tally: Tally) => ({
  requests: tally.reduce((a, b) => a + b, 0),
  ...(Object.fromEntries(USAGE_OUTCOMES.map((o, i) => [o, tally[i] ?? 0])) as Record<(typeof USAGE_OUTCOMES)[number], number>),
});

export const usageToWire = (id: string, u: UsageSeries & LiveUse): z.infer<typeof CredentialUsageSchema> => ({
  id,
  granularity: u.granularity,
  from: iso(u.from),
  to: iso(u.to),
  last_used_at: isoOrNull(u.lastUsedAt),
  credits_remaining: u.creditsRemaining,
  totals: counts(u.totals),
  series: u.buckets.map((b) => ({ start: iso(b.at), ...counts(b.tally) })),
});

export const rankingToWire = (r: {
  from: number;
  to: number;
  items: RankedCredential[];
  next: string | null;
}): z.infer<typeof OrgUsageSchema> => ({
  from: iso(r.from),
  to: iso(r.to),
  objects: r.items.map(({ credential: c, tally }) => ({
    id: c.id,
    kind: c.kind,
    name: c.name,
    client_id: c.clientId,
    owner_id: c.principalId,
    last_used_at: isoOrNull(c.lastUsedAt),
    ...counts(tally),
  })),
  next_cursor: r.next,
});

/** The core's reading of a usage query's times. */
export const seriesInput = (q: z.infer<typeof UsageQuerySchema>) => ({
  granularity: q.granularity,
  from: q.from === undefined ? undefined : Date.parse(q.from),
  to: q.to === undefined ? undefined : Date.parse(q.to),
});
