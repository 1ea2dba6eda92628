/**
 * The core services a request may use, built from the environment and put on
 * the context by one middleware, so that handlers never construct their own.
 */
import { AccessTokenService } from "./core/access-tokens";
import { CredentialService } from "./core/credentials";
import { SecretHasher, peppersFromEnv } from "./core/hashing";
import { MemberService } from "./core/members";
import { OrgService } from "./core/orgs";
import { D1Repository } from "./db/d1-repository";
import type { Env } from "./env";

export interface Services {
  credentials: CredentialService;
  orgs: OrgService;
  members: MemberService;
  accessTokens: AccessTokenService;
}

export function servicesFor(env: Env): Services {
  const repo = new D1Repository(env.DB);
  const hasher = new SecretHasher(peppersFromEnv(env));
  const credentials = new CredentialService(repo, hasher);
  return {
    credentials,
    orgs: new OrgService(repo, credentials),
    members: new MemberService(repo, credentials),
    accessTokens: new AccessTokenService(repo, hasher),
  };
}
