/**
 * `GET /__bench/ceiling`: the benchmark's honest reference for an authenticated
 * request, served only when BENCH_METRICS is "1" (otherwise the path is
 * unknown, like any other). It does what no design with an exact
 * per-credential rate limit can avoid, and nothing else:
 *  - one Durable Object round trip: a token-bucket `take` on the RATE_LIMITER
 *    binding (a fixed object, a limit out of reach);
 *  - the CPU work of an authentication: one HMAC-SHA-256 of a token-sized
 *    secret under the pepper, and one signed identity assertion (ES256/RS256);
 *  - a small JSON answer of the shape get-identity answers, with the assertion
 *    and a RateLimit header.
 * No D1. It is registered with plain `app.all` (never `app.openapi`), so it is
 * not in the OpenAPI document, and not with `app.get`, so that with the route
 * off no other method of this path answers 405 and betrays it.
 */
import type { Context, Next } from "hono";
import { accountAudience } from "../auth/identity-jwt";
import type { ServiceIdentity } from "../auth/service-auth";
import { configOf } from "../config";
import { SecretHasher } from "../core/credentials/hashing";
import { signerOf } from "../services";
import { DomainError } from "../core/shared/errors";
import { uuidToHex } from "../core/shared/ids";
import type { AppEnv } from "../http/app-env";
import { type Policy, remainingItem } from "../ratelimit/token-bucket";
import { instrumented, metricsHeaders, newCounts } from "./metrics";

export const CEILING_PATH = "/__bench/ceiling";

/** The one object every ceiling request counts against: all of them serialise on it, as one credential's requests do. */
export const CEILING_OBJECT = "bench:ceiling";
const CEILING_POLICY: Policy = { name: "bench-ceiling", limit: 1_000_000_000, windowSeconds: 60 };

/** Token-sized: an API key is `sk-` and 61 base-62 characters. */
const SECRET = `sk-${"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy".slice(0, 61)}`;

const IDENTITY: ServiceIdentity = {
  credentialId: "01900000-0000-7000-8000-0000000000c1",
  credentialKind: "api_key",
  name: "bench-ceiling",
  orgId: "01900000-0000-7000-8000-0000000000c0",
  clientId: null,
  principal: { id: "01900000-0000-7000-8000-0000000000c2", kind: "user", email: "ceiling@bench.example" },
  usedPreviousSecret: false,
};

export async function ceiling(c: Context<AppEnv>, next: Next) {
  // Off: the path is nobody's; the catch-all answers it (404, or the origin's in gateway mode).
  if (!configOf(c.env).benchMetrics) return next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new DomainError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}`, { allow: ["GET", "HEAD"] });
  }
  const counts = newCounts();
  const start = performance.now();
  const env = instrumented(c.env, counts);
  // The same per-isolate caches as the verification path: the pepper parsed once, the key imported once.
  const { hash } = await new SecretHasher(configOf(env).peppers()).hash(SECRET);
  if (hash.byteLength !== 32) throw new Error("HMAC-SHA-256 answered a digest of the wrong size");
  const decision = await env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(CEILING_OBJECT)).take(CEILING_POLICY);
  const jwt = await signerOf(configOf(env)).sign(IDENTITY, accountAudience(IDENTITY.orgId));
  const body = {
    id: IDENTITY.credentialId,
    credential_kind: IDENTITY.credentialKind,
    name: IDENTITY.name,
    common_name: IDENTITY.credentialId,
    client_id: null,
    account_id: uuidToHex(IDENTITY.orgId),
    org_id: IDENTITY.orgId,
    principal: IDENTITY.principal,
    used_previous_secret: false,
  };
  return c.json(body, 200, {
    "Cf-Access-Jwt-Assertion": jwt,
    RateLimit: remainingItem(CEILING_POLICY, decision),
    ...metricsHeaders(counts, performance.now() - start),
  });
}
