/**
 * `POST /credentials/revoke`: anyone holding an edgekeys secret may revoke it,
 * as with GitHub's credential revocation API. Unauthenticated by design (the
 * secret is the proof), so the answer is the same whatever was sent: it never
 * tells whether a credential existed. Calls are limited per client address.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { configOf } from "../../config";
import { DomainError } from "../../core/shared/errors";
import type { AppEnv } from "../../http/app-env";
import { clientIp } from "../../http/client-ip";
import type { RouteRequest, RouteResponse } from "../../http/route-types";
import { DurableObjectLimiter } from "../../ratelimit/limiter";
import { ipLimitKey } from "../../ratelimit/ip-key";
import { remainingItem } from "../../ratelimit/token-bucket";
import type { GithubApp } from "./app-type";
import { errorResponses, MAX_SECRETS, ReportedSecret, TAGS } from "./schemas";

const RevokeBody = z
  .object({
    credentials: z
      .array(ReportedSecret)
      .min(1)
      .max(MAX_SECRETS)
      .openapi({ description: "Raw secrets: `sk-…` API keys, `bt-st-…` service tokens, Access client secrets (`ekcs_…` or 64 hex)" }),
  })
  .openapi("RevokeCredentialsRequest");

/** Every call counts against its address, valid or not, before the body is read. */
const limitedPerAddress = createMiddleware<AppEnv>(async (c, next) => {
  const policy = configOf(c.env).leaks.publicRevoke;
  const key = ipLimitKey(clientIp(c)) ?? "unknown";
  // The rate limiter's objects are keyed by name; this prefix keeps these calls out of any address's failure budget.
  const d = await new DurableObjectLimiter(c.env).recordFailure(`public-revoke:${key}`, policy);
  if (!d.allowed) {
    throw new DomainError("rate_limited", `At most ${policy.limit} revocation requests per ${policy.windowSeconds} s from one address`, {
      retryAfter: Math.max(1, d.retryAfterSeconds),
      headers: { RateLimit: remainingItem(policy, d) },
    });
  }
  await next();
});

export const revokeCredentialsRoute = createRoute({
  method: "post",
  path: "/credentials/revoke",
  operationId: "revokeCredentials",
  tags: TAGS,
  summary: "Revoke leaked credentials",
  description:
    "Revokes every live edgekeys credential among the raw secrets sent (as GitHub's `POST /credentials/revoke`), with a `credential.leaked` audit event for its owner. No authentication: holding the secret is the proof. The answer is 202 and empty whether or not any secret was live, so it reveals nothing; calls are limited per client address (`PUBLIC_REVOKE_LIMIT` per `PUBLIC_REVOKE_WINDOW_SECONDS`).",
  middleware: [limitedPerAddress] as const,
  request: { body: { required: true, content: { "application/json": { schema: RevokeBody } } } },
  responses: {
    202: { description: "Accepted; the same answer whatever was sent" },
    ...errorResponses,
  },
});

export type RevokeCredentialsRequest = RouteRequest<typeof revokeCredentialsRoute>;
export type RevokeCredentialsResponse = RouteResponse<typeof revokeCredentialsRoute>;

export const registerRevokeCredentials = (app: GithubApp) =>
  app.openapi(revokeCredentialsRoute, async (c) => {
    const { credentials } = c.req.valid("json");
    await c.var.services.leaks.respond(
      credentials.map((token) => ({ token })),
      "public_revocation",
    );
    return c.body(null, 202);
  });
