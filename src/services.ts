/**
 * The core services a request may use, built from the environment and put on
 * the context by one middleware, so that handlers never construct their own.
 */
import { IdentitySigner } from "./auth/identity-jwt";
import { DurableObjectHomes } from "./auth/credential-homes";
import { Authenticator } from "./auth/pipeline";
import { AccessTokenService } from "./core/access-tokens";
import { AuditContext } from "./core/audit";
import type { Repository } from "./db/repository";
import { CredentialService } from "./core/credentials";
import { type Defer, SecretHasher, peppersFromEnv } from "./core/hashing";
import { MemberService } from "./core/members";
import { OrgService } from "./core/orgs";
import { D1Repository } from "./db/d1-repository";
import type { Env } from "./env";

export interface Services {
  audit: AuditContext;
  /** For reads with no rules of their own (the audit log). */
  repo: Repository;
  credentials: CredentialService;
  orgs: OrgService;
  members: MemberService;
  accessTokens: AccessTokenService;
  /** The authentication pipeline of every door. */
  auth: Authenticator;
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
  const peppers = peppersFromEnv(env);
  const hasher = new SecretHasher(peppers, defer);
  const homes = new DurableObjectHomes(env);
  const credentials = new CredentialService(repo, hasher, homes, audit);
  return {
    audit,
    repo,
    credentials,
    orgs: new OrgService(repo, credentials, homes, audit),
    members: new MemberService(repo, credentials, homes, audit),
    accessTokens: new AccessTokenService(repo, hasher, homes, audit),
    auth: new Authenticator(env, () => peppers),
    signer: () => signerFor(env),
  };
}
