/**
 * The core services a request may use, built from the environment and put on
 * the context by one middleware, so that handlers never construct their own.
 */
import { IdentitySigner } from "./auth/identity-jwt";
import { ServiceAuthenticator } from "./auth/service-auth";
import { AccessTokenService } from "./core/access-tokens";
import { AuditContext } from "./core/audit";
import type { Repository } from "./db/repository";
import { CredentialService } from "./core/credentials";
import { type Defer, SecretHasher, peppersFromEnv } from "./core/hashing";
import { MemberService } from "./core/members";
import { OrgService } from "./core/orgs";
import { D1Repository } from "./db/d1-repository";
import { DurableObjectLimiter, type Limiter } from "./ratelimit/limiter";
import type { Env } from "./env";

export interface Services {
  audit: AuditContext;
  /** For reads with no rules of their own (the audit log). */
  repo: Repository;
  credentials: CredentialService;
  orgs: OrgService;
  members: MemberService;
  accessTokens: AccessTokenService;
  serviceAuth: ServiceAuthenticator;
  limiter: Limiter;
  /** The identity signer; throws `misconfigured` without JWT_PRIVATE_KEY, so it is built on first use. */
  signer(): IdentitySigner;
}

// Parsing the signing keys once per isolate, not per request.
const signers = new Map<string, IdentitySigner>();

function signerFor(env: Env): IdentitySigner {
  const cacheKey = JSON.stringify([env.JWT_PRIVATE_KEY, env.JWT_PREVIOUS_KEY, env.JWT_ISSUER, env.JWT_AUDIENCE, env.JWT_TTL_SECONDS]);
  let signer = signers.get(cacheKey);
  if (!signer) {
    signer = new IdentitySigner(env);
    signers.set(cacheKey, signer);
  }
  return signer;
}

/**
 * Builds the services of one request; `audit` gives its events their request id,
 * client IP and actor; `defer` takes work that may finish after the response.
 */
export function servicesFor(env: Env, audit = new AuditContext(), defer?: Defer): Services {
  const repo = new D1Repository(env.DB);
  const hasher = new SecretHasher(peppersFromEnv(env), defer);
  const credentials = new CredentialService(repo, hasher, audit);
  const accessTokens = new AccessTokenService(repo, hasher, audit);
  return {
    audit,
    repo,
    credentials,
    orgs: new OrgService(repo, credentials, audit),
    members: new MemberService(repo, credentials, audit),
    accessTokens,
    serviceAuth: new ServiceAuthenticator(accessTokens, credentials),
    limiter: new DurableObjectLimiter(env),
    signer: () => signerFor(env),
  };
}
