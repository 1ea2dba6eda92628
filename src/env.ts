/**
 * The Worker's environment. It names the Durable Objects by the protocols they
 * speak, not by their classes, so that nothing here imports a layer above it.
 */
import type { CredentialHome, UsageReport } from "./auth/home-protocol";
import type { BucketObject } from "./ratelimit/token-bucket";

/** Bindings, secrets and vars of the Worker (see wrangler.toml and README "Configuration"). */
export interface Env {
  DB: D1Database;
  /** Each credential's home: verifies it and counts its requests (`auth/credential-object.ts`). */
  CREDENTIALS: DurableObjectNamespace<CredentialHome>;
  /** Failed authentications per client address (and the bench's ceiling route). */
  RATE_LIMITER: DurableObjectNamespace<BucketObject>;
  /** The static files beside the Worker (public/): `/openapi.json` reads the generated document there. */
  ASSETS: Fetcher;
  /** Requests per credential per window (default 1000 per 60 s). */
  RATE_LIMIT_REQUESTS?: string;
  RATE_LIMIT_WINDOW_SECONDS?: string;
  /** Failed authentications per client IP per window (default 20 per 60 s). */
  AUTH_FAILURE_LIMIT?: string;
  AUTH_FAILURE_WINDOW_SECONDS?: string;
  /** Enables /admin/*; unset means those routes answer 404. */
  ADMIN_TOKEN?: string;
  /** HMAC key for credential hashes. */
  TOKEN_PEPPER?: string;
  TOKEN_PEPPER_VERSION?: string;
  TOKEN_PEPPER_PREVIOUS?: string;
  /** Signing key (JWK, ES256 or RS256, with "kid") for identity assertions. */
  JWT_PRIVATE_KEY?: string;
  /** A second key (JWK) published in the JWKS during a signing-key rotation. */
  JWT_PREVIOUS_KEY?: string;
  /** PEM X.509 certificates of those keys (scripts/signing-key.mjs makes them), published beside the JWKS. */
  JWT_CERTIFICATE?: string;
  JWT_PREVIOUS_CERTIFICATE?: string;
  /** `iss` of assertions (default "edgekeys"). Never taken from a request. */
  JWT_ISSUER?: string;
  /** `aud` of the gateway's assertions (default: ORIGIN_URL's origin); get-identity and RPC use `edgekeys:account:<account_id>`. */
  JWT_AUDIENCE?: string;
  /** Lifetime of assertions in seconds (default 300). */
  JWT_TTL_SECONDS?: string;
  /** Name of a header whose value is JSON {"cf-access-client-id", "cf-access-client-secret"}; off when unset. */
  SERVICE_AUTH_HEADER?: string;
  /** Gateway mode: where authenticated traffic to paths outside edgekeys' own goes. */
  ORIGIN_URL?: string;
  /**
   * Gateway mode with Access applications: JSON object of hosts to origin URLs (or "self", the
   * host itself, for a Worker on a route); every path of those hosts is the gateway's.
   */
  ORIGINS?: string;
  /** Gateway mode: the account (32 hex) whose credentials may pass on hosts no application claims. */
  GATEWAY_ACCOUNT_ID?: string;
  /** "1" in benchmark runs: report D1 statements and DO calls per request in response headers. */
  BENCH_METRICS?: string;
  /** With BENCH_METRICS: the usage simulation's clock, this many times faster than real time… */
  BENCH_CLOCK_SCALE?: string;
  /** …from this instant (epoch ms). */
  BENCH_CLOCK_ORIGIN?: string;
  /** Webhook deliveries, one message per attempt (src/lifecycle/deliver.ts consumes it). */
  WEBHOOK_QUEUE?: Queue<{ delivery: string }>;
  /** Deliveries whose retries are spent. */
  WEBHOOK_DLQ?: Queue<{ delivery: string }>;
  /**
   * Optional Workers Analytics Engine dataset: when bound, every decided authentication writes one
   * data point (index: the credential's id or client id; blobs: kind, outcome; double: 1).
   */
  USAGE_EVENTS?: AnalyticsEngineDataset;
  /** The credentials' homes' hourly usage reports (src/usage/consume.ts writes them to D1 in batches). */
  USAGE_QUEUE?: Queue<UsageReport>;
  /** Key material (at least 16 characters) that webhook signing secrets are sealed under. */
  WEBHOOK_ENCRYPTION_KEY?: string;
  /** "true": webhook targets may be http, loopback or private (local development only). */
  WEBHOOK_ALLOW_INSECURE?: string;
  /** Seconds between delivery attempts, comma-separated (default 5,300,1800,7200,18000,36000,50400,72000,86400). */
  WEBHOOK_RETRY_SCHEDULE?: string;
  /** Seconds a delivery attempt may take (default 15). */
  WEBHOOK_TIMEOUT_SECONDS?: string;
  /** Days before expiry at which `credential.expiring` is sent (default 30,7,1). */
  EXPIRY_WARNING_DAYS?: string;
  /** `credential.inactive` after this many days unused (off when unset). */
  INACTIVE_AFTER_DAYS?: string;
  /** "true": idle Access service tokens are disabled too; "dry-run": only reported. */
  INACTIVE_DISABLE?: string;
  /** Where GitHub's secret scanning signing keys are fetched (default GitHub's own). */
  GITHUB_SECRET_SCANNING_KEYS_URL?: string;
  /** What a leaked Access service token gets: `revoke` (deleted, the default) or `disable`. */
  LEAKED_CREDENTIAL_ACTION?: string;
  /** Calls of the unauthenticated `POST /credentials/revoke` per client address and window (default 60 per 3600 s). */
  PUBLIC_REVOKE_LIMIT?: string;
  PUBLIC_REVOKE_WINDOW_SECONDS?: string;
}
