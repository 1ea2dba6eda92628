/**
 * The configuration, parsed once (per isolate and configuration) from the
 * environment's vars and secrets with one zod schema: every setting and every
 * secret is read here and nowhere else, defaults in one place, and a bad value
 * is a clear `misconfigured` error naming the variable instead of a silent
 * fallback. Secrets whose absence only some routes feel (the pepper, the
 * signing key, the webhook key) are checked when first used, so that a missing
 * secret does not break `/docs` or a 404; no message ever carries a secret.
 */
import { z } from "zod";
import { DomainError } from "./core/shared/errors";
import type { PepperConfig } from "./core/credentials/hashing";
import { type Gateway, gatewayOf } from "./config-gateway";
import type { Env } from "./env";
import { type Policy, policyItem } from "./ratelimit/token-bucket";
import { DEFAULT_RETRY_SCHEDULE, DEFAULT_WARNING_DAYS, parseNumberList } from "./core/webhooks/lifecycle";

const positiveInt = (fallback: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer")
    .transform(Number)
    .optional()
    .transform((v) => v ?? fallback);

const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
const ORIGIN_ERROR = 'must map each host to an http(s) URL or "self", or to {"origin", "account_id"}';
const ORIGIN = z.string().refine((v) => v === "self" || isHttpUrl(v), ORIGIN_ERROR);
const ACCOUNT_ID = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, "must be 32 hex characters")
  .transform((v) => v.toLowerCase());

/** A comma-separated list of positive integers (`30,7,1`). */
const numberList = z
  .string()
  .transform((text, ctx) => {
    const list = parseNumberList(text);
    if (typeof list === "string") {
      ctx.addIssue({ code: "custom", message: list });
      return z.NEVER;
    }
    return list;
  })
  .optional();

const flag = z.enum(["true", "false", "1", "0"], "must be true or false").optional();

const VarsSchema = z.object({
  RATE_LIMIT_REQUESTS: positiveInt(1000),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  AUTH_FAILURE_LIMIT: positiveInt(20),
  AUTH_FAILURE_WINDOW_SECONDS: positiveInt(60),
  TOKEN_PEPPER_VERSION: positiveInt(1),
  JWT_TTL_SECONDS: positiveInt(300),
  SERVICE_AUTH_HEADER: z
    .string()
    .regex(/^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/, "must be a header name")
    .optional(),
  ORIGIN_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  ORIGINS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON object of hosts to origin URLs" });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.union([ORIGIN, z.object({ origin: ORIGIN, account_id: ACCOUNT_ID.optional() }).strict()], ORIGIN_ERROR)))
    .optional(),
  GATEWAY_ACCOUNT_ID: ACCOUNT_ID.optional(),
  BENCH_METRICS: flag,
  BENCH_CLOCK_SCALE: positiveInt(1),
  BENCH_CLOCK_ORIGIN: z.coerce.number().int().nonnegative().optional(),
  WEBHOOK_ALLOW_INSECURE: flag,
  WEBHOOK_RETRY_SCHEDULE: numberList,
  WEBHOOK_TIMEOUT_SECONDS: positiveInt(15),
  EXPIRY_WARNING_DAYS: numberList,
  INACTIVE_AFTER_DAYS: z
    .string()
    .regex(/^[1-9][0-9]{0,4}$/, "must be a positive integer")
    .transform(Number)
    .optional(),
  INACTIVE_DISABLE: z.enum(["true", "false", "dry-run"], "must be true, false or dry-run").optional(),
  GITHUB_SECRET_SCANNING_KEYS_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  LEAKED_CREDENTIAL_ACTION: z.enum(["revoke", "disable"], "must be revoke or disable").optional(),
  PUBLIC_REVOKE_LIMIT: positiveInt(60),
  PUBLIC_REVOKE_WINDOW_SECONDS: positiveInt(3600),
});

/** Secrets: only ever strings, so parsing cannot fail and no message echoes one; their rules are checked where used. */
const secret = z.string().optional();
const SecretsSchema = z.object({
  ADMIN_TOKEN: secret,
  TOKEN_PEPPER: secret,
  TOKEN_PEPPER_PREVIOUS: secret,
  JWT_PRIVATE_KEY: secret,
  JWT_PREVIOUS_KEY: secret,
  JWT_CERTIFICATE: secret,
  JWT_PREVIOUS_CERTIFICATE: secret,
  WEBHOOK_ENCRYPTION_KEY: secret,
  // Not secrets, but free text that the signer validates (and JWT_AUDIENCE's reserved prefix).
  JWT_ISSUER: secret,
  JWT_AUDIENCE: secret,
});

type Vars = z.infer<typeof VarsSchema>;
type Secrets = z.infer<typeof SecretsSchema>;

export { type Gateway, type HostRoute, hostRoute } from "./config-gateway";

/** The identity signer's settings (`auth/identity-jwt.ts` parses the keys and certificates). */
export interface JwtSettings {
  privateKey: string | undefined;
  previousKey: string | undefined;
  certificate: string | undefined;
  previousCertificate: string | undefined;
  /** JWT_ISSUER, default `edgekeys`: never taken from a request. */
  issuer: string;
  /** JWT_AUDIENCE: the single-account gateway's audience (default: ORIGIN_URL's origin). */
  audience: string | undefined;
  ttlSeconds: number;
}

export interface Config {
  limits: { credential: Policy; authFailures: Policy; header: Record<string, string> };
  jwt: JwtSettings;
  /** ADMIN_TOKEN: enables `/admin/*`; unset, those routes answer 404. */
  adminToken: string | undefined;
  /** WEBHOOK_ENCRYPTION_KEY: seals webhook signing secrets at rest (checked by `core/webhooks/secret-box.ts` when used). */
  webhookKey: string | undefined;
  serviceAuthHeader: string | undefined;
  /** Gateway mode: on when ORIGIN_URL or ORIGINS is set. */
  gateway: Gateway | null;
  benchMetrics: boolean;
  /**
   * The usage simulation's compressed clock (bench/usage-sim.mjs): homes count and report usage on
   * a clock running BENCH_CLOCK_SCALE times faster from BENCH_CLOCK_ORIGIN. Only with BENCH_METRICS.
   */
  usageClock: { scale: number; origin: number } | null;
  /** Lifecycle events and webhook delivery. */
  lifecycle: {
    /** Days before `expires_at` at which `credential.expiring` is sent (EXPIRY_WARNING_DAYS, default 30,7,1). */
    warningDays: number[];
    /** INACTIVE_AFTER_DAYS: `credential.inactive` after this many days unused; null: off. */
    inactiveAfterDays: number | null;
    /** INACTIVE_DISABLE: also disable idle Access tokens ("on"), only say so ("dry-run"), or neither. */
    inactiveDisable: "on" | "off" | "dry-run";
    /** Seconds between delivery attempts (WEBHOOK_RETRY_SCHEDULE, default Standard Webhooks'). */
    retrySchedule: number[];
    /** WEBHOOK_ALLOW_INSECURE: http and private targets allowed (local development only). */
    allowInsecure: boolean;
    timeoutMs: number;
  };
  /** Leak response: GitHub's secret scanning reports and public revocation. */
  leaks: {
    /** GITHUB_SECRET_SCANNING_KEYS_URL: where GitHub's report-signing keys are published. */
    keysUrl: string;
    /** LEAKED_CREDENTIAL_ACTION: a leaked Access token is deleted ("revoke") or kept, disabled ("disable"). */
    action: "revoke" | "disable";
    /** `POST /credentials/revoke` calls per client address (PUBLIC_REVOKE_LIMIT per PUBLIC_REVOKE_WINDOW_SECONDS). */
    publicRevoke: Policy;
  };
  /** The peppers; throws `misconfigured` when TOKEN_PEPPER is missing or short. */
  peppers(): PepperConfig;
}

/** GitHub's published secret scanning keys. */
export const GITHUB_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";

// By the env object (the same one on every request of an isolate), else by the configuration's
// text (the benchmark's instrumentation wraps the env per request).
const byEnv = new WeakMap<Env, Config>();
const byText = new Map<string, Config>();
const NAMES = [...Object.keys(VarsSchema.shape), ...Object.keys(SecretsSchema.shape)] as (keyof Env)[];

/** The configuration of `env`. Throws `misconfigured`, naming the variable, for a bad value. */
export function configOf(env: Env): Config {
  let config = byEnv.get(env);
  if (config) return config;
  const key = JSON.stringify(NAMES.map((name) => env[name] ?? null));
  config = byText.get(key);
  if (!config) {
    config = build(
      parseVars(env),
      SecretsSchema.parse(Object.fromEntries(Object.keys(SecretsSchema.shape).map((name) => [name, given(env[name as keyof Env])]))),
    );
    byText.set(key, config);
  }
  byEnv.set(env, config);
  return config;
}

function parseVars(env: Env): Vars {
  const raw = Object.fromEntries(Object.keys(VarsSchema.shape).map((name) => [name, nonEmpty(env[name as keyof Env])]));
  const parsed = VarsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new DomainError("misconfigured", `${String(issue.path[0])} ${issue.message} (got ${JSON.stringify(raw[String(issue.path[0])])})`);
}

/** An empty var is an unset one (`wrangler dev --var NAME:` gives ""). */
const nonEmpty = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
/** A secret as given (never trimmed: a pepper's every character is part of the hashes), or unset when blank. */
const given = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : undefined);

function build(vars: Vars, secrets: Secrets): Config {
  const credential = { name: "credential", limit: vars.RATE_LIMIT_REQUESTS, windowSeconds: vars.RATE_LIMIT_WINDOW_SECONDS };
  const authFailures = { name: "auth-failures", limit: vars.AUTH_FAILURE_LIMIT, windowSeconds: vars.AUTH_FAILURE_WINDOW_SECONDS };
  let peppers: PepperConfig | undefined;
  return {
    limits: { credential, authFailures, header: { "RateLimit-Policy": [credential, authFailures].map(policyItem).join(", ") } },
    jwt: {
      privateKey: secrets.JWT_PRIVATE_KEY,
      previousKey: secrets.JWT_PREVIOUS_KEY,
      certificate: secrets.JWT_CERTIFICATE,
      previousCertificate: secrets.JWT_PREVIOUS_CERTIFICATE,
      issuer: secrets.JWT_ISSUER ?? "edgekeys",
      audience: secrets.JWT_AUDIENCE,
      ttlSeconds: vars.JWT_TTL_SECONDS,
    },
    adminToken: secrets.ADMIN_TOKEN,
    webhookKey: secrets.WEBHOOK_ENCRYPTION_KEY,
    serviceAuthHeader: vars.SERVICE_AUTH_HEADER,
    gateway: gatewayOf({ origins: vars.ORIGINS, originUrl: vars.ORIGIN_URL, accountId: vars.GATEWAY_ACCOUNT_ID }),
    benchMetrics: vars.BENCH_METRICS === "1" || vars.BENCH_METRICS === "true",
    usageClock:
      (vars.BENCH_METRICS === "1" || vars.BENCH_METRICS === "true") && vars.BENCH_CLOCK_SCALE > 1
        ? { scale: vars.BENCH_CLOCK_SCALE, origin: vars.BENCH_CLOCK_ORIGIN ?? 0 }
        : null,
    lifecycle: {
      warningDays: vars.EXPIRY_WARNING_DAYS ?? DEFAULT_WARNING_DAYS,
      inactiveAfterDays: vars.INACTIVE_AFTER_DAYS ?? null,
      inactiveDisable: vars.INACTIVE_DISABLE === "true" ? "on" : vars.INACTIVE_DISABLE === "dry-run" ? "dry-run" : "off",
      retrySchedule: vars.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE,
      allowInsecure: vars.WEBHOOK_ALLOW_INSECURE === "1" || vars.WEBHOOK_ALLOW_INSECURE === "true",
      timeoutMs: vars.WEBHOOK_TIMEOUT_SECONDS * 1000,
    },
    leaks: {
      keysUrl: vars.GITHUB_SECRET_SCANNING_KEYS_URL ?? GITHUB_KEYS_URL,
      action: vars.LEAKED_CREDENTIAL_ACTION ?? "revoke",
      publicRevoke: { name: "public-revoke", limit: vars.PUBLIC_REVOKE_LIMIT, windowSeconds: vars.PUBLIC_REVOKE_WINDOW_SECONDS },
    },
    peppers: () => (peppers ??= peppersOf(secrets, vars.TOKEN_PEPPER_VERSION)),
  };
}

const misconfigured = (message: string) => new DomainError("misconfigured", message);

/** The peppers; refuses to hash without one of at least 16 characters. */
function peppersOf(secrets: Secrets, version: number): PepperConfig {
  const current = secrets.TOKEN_PEPPER;
  if (!current || current.length < 16) throw misconfigured("TOKEN_PEPPER is not set (or shorter than 16 characters)");
  const previous = secrets.TOKEN_PEPPER_PREVIOUS;
  return { current: { version, secret: current }, previous: previous ? { version: version - 1, secret: previous } : undefined };
}
