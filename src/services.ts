/**
 * The core services a request may use, built from the environment and put on
 * the context by one middleware, so that handlers never construct their own.
 */
import { IdentitySigner } from "./auth/identity-jwt";
import { DurableObjectHomes } from "./auth/credential-homes";
import { Authenticator } from "./auth/pipeline";
import { AccessAppService, type HostOwners } from "./core/access/apps";
import { hexToUuid } from "./core/shared/ids";
import { AccessPolicyService } from "./core/access/policies";
import { AccessTokenService } from "./core/credentials/access-tokens";
import { AccessOrganizationService } from "./core/access/organization";
import { D1AccessOrganizations } from "./db/access-organizations";
import { routeTable } from "./auth/route-table";
import { AuditContext } from "./core/shared/audit-events";
import { AuditLogService } from "./core/orgs/audit-log";
import { CredentialService } from "./core/credentials/credentials";
import { type Config, configOf, hostRoute } from "./config";
import { SecretHasher } from "./core/credentials/hashing";
import { MemberService } from "./core/orgs/members";
import { OrgService } from "./core/orgs/orgs";
import { D1AccessAppStore } from "./db/access-apps";
import { D1LeakStore } from "./db/leaks";
import { LeakService } from "./core/leaks/leaks";
import { D1Repository } from "./db/d1-repository";
import { D1WebhookStore } from "./db/webhooks";
import { D1Lifecycle } from "./db/lifecycle";
import { D1InactiveTokens } from "./db/inactive-tokens";
import type { UsageOutbox, UsageReport, VerificationStore } from "./core/credentials/ports";
import { UsageService } from "./core/credentials/usage-service";
import { D1Usage } from "./db/usage";
import { type Clock, compressedClock, REAL_CLOCK } from "./core/shared/clock";
import { SecretBox } from "./core/webhooks/secret-box";
import { WebhookService } from "./core/webhooks/webhooks";
import type { Env } from "./env";

export interface Services {
  audit: AuditContext;
  auditLog: AuditLogService;
  credentials: CredentialService;
  orgs: OrgService;
  members: MemberService;
  accessTokens: AccessTokenService;
  accessApps: AccessAppService;
  accessPolicies: AccessPolicyService;
  /** The account's Access organization (strict service-token auth, inactive-token cleanup, and Access's other settings). */
  accessOrganization: AccessOrganizationService;
  webhooks: WebhookService;
  /** Leak response: reported secrets stopped (GitHub's secret scanning, public revocation). */
  leaks: LeakService;
  /** Usage: each credential's series and live last use (its home), the org's ranking (D1). */
  usage: UsageService;
  /** The authentication pipeline of every door. */
  auth: Authenticator;
  /** The identity signer; throws `misconfigured` without JWT_PRIVATE_KEY, so it is built on first use. */
  signer(): IdentitySigner;
}

/** The signer of each configuration: its keys parsed and imported once per isolate, not per request. */
const signers = new WeakMap<Config, IdentitySigner>();

/** The identity signer of this configuration; throws `misconfigured` without a signing key. */
export function signerOf(config: Config): IdentitySigner {
  let signer = signers.get(config);
  if (!signer) signers.set(config, (signer = new IdentitySigner(config.jwt)));
  return signer;
}

/** Who owns which host (see `HostOwners`): the operator's word in ORIGINS, ORIGIN_URL and GATEWAY_ACCOUNT_ID, nobody else's. */
function hostOwners(config: Config): HostOwners {
  return (host) => {
    const owner = hostRoute(config.gateway, host)?.accountId;
    return owner ? hexToUuid(owner) : null;
  };
}

/**
 * Builds the services of one request; `audit` gives its events their request id,
 * client IP and actor.
 * The core services are built on first use: an authenticated read needs none of them.
 */
export function servicesFor(env: Env, audit = new AuditContext()): Services {
  const config = configOf(env);
  const peppers = config.peppers();
  const homes = new DurableObjectHomes(env);
  let core: Omit<Services, "audit" | "auth" | "signer"> | undefined;
  const build = () => {
    if (core) return core;
    const repo = new D1Repository(env.DB);
    const hasher = new SecretHasher(peppers);
    const credentials = new CredentialService(repo, hasher, homes, audit);
    // Every change to applications and policies makes this isolate's gateway re-read them at once.
    const appStore = new D1AccessAppStore(env.DB);
    const forget = () => routeTable.forget();
    const accessApps = new AccessAppService(appStore, hostOwners(config), forget, audit);
    core = {
      auditLog: new AuditLogService(repo),
      credentials,
      orgs: new OrgService(repo, credentials, homes, audit),
      members: new MemberService(repo, credentials, homes, audit),
      accessTokens: new AccessTokenService(repo, hasher, homes, audit),
      accessApps,
      accessPolicies: new AccessPolicyService(appStore, accessApps, forget, audit),
      accessOrganization: new AccessOrganizationService(new D1AccessOrganizations(env.DB), audit),
      webhooks: new WebhookService(new D1WebhookStore(env.DB), new SecretBox(config.webhookKey), config.lifecycle.allowInsecure, audit),
      leaks: new LeakService(new D1LeakStore(env.DB), hasher, homes, audit, config.leaks.action),
      // On the homes' clock, so that what they count and what is asked of them agree (the simulation compresses it).
      usage: new UsageService(homes, new D1Usage(env.DB), () => usageClockFor(env).now()),
    };
    return core;
  };
  return {
    audit,
    auth: new Authenticator(env, config),
    get auditLog() {
      return build().auditLog;
    },
    get credentials() {
      return build().credentials;
    },
    get orgs() {
      return build().orgs;
    },
    get members() {
      return build().members;
    },
    get accessTokens() {
      return build().accessTokens;
    },
    get accessApps() {
      return build().accessApps;
    },
    get accessPolicies() {
      return build().accessPolicies;
    },
    get accessOrganization() {
      return build().accessOrganization;
    },
    get webhooks() {
      return build().webhooks;
    },
    get leaks() {
      return build().leaks;
    },
    get usage() {
      return build().usage;
    },
    signer: () => signerOf(config),
  };
}

/**
 * What background work uses (the Cron Trigger, the webhook queue's consumer), built here like
 * every other service: the lifecycle's store, the inactive-token sweep's store, the credentials'
 * homes, the webhook secrets' box, and an audit context acting as no one (the cron).
 */
export function backgroundFor(env: Env) {
  return {
    lifecycle: new D1Lifecycle(env.DB),
    inactiveTokens: new D1InactiveTokens(env.DB),
    homes: new DurableObjectHomes(env),
    secretBox: new SecretBox(configOf(env).webhookKey),
    audit: new AuditContext(null, null),
    usage: new D1Usage(env.DB),
  };
}

/** The clock of the homes' usage: real, or the usage simulation's compressed one (BENCH_CLOCK_SCALE with BENCH_METRICS). */
function usageClockFor(env: Env): Clock {
  const clock = configOf(env).usageClock;
  return clock ? compressedClock(clock.scale, clock.origin) : REAL_CLOCK;
}

/**
 * Where a credential's home sends its hourly usage report: the usage queue, whose consumer writes
 * a batch in two statements (src/usage/consume.ts); straight to D1 where no queue is bound.
 */
function usageOutboxFor(env: Env): UsageOutbox {
  const queue = env.USAGE_QUEUE;
  if (queue) return { send: async (report: UsageReport) => void (await queue.send(report)) };
  const store = new D1Usage(env.DB);
  return { send: async (report: UsageReport) => void (await store.apply([report])) };
}

/**
 * What a credential's home is built with (the runtime constructs the object, so it asks here):
 * its verification store on D1, with `onStatement` told of every statement it prepares; where its
 * usage reports go; and the clock its usage counts by.
 */
export const homePartsFor = (env: Env, onStatement: () => void): { store: VerificationStore; outbox: UsageOutbox; clock: Clock } => ({
  store: new D1Repository(countingStatements(env.DB, onStatement)),
  outbox: usageOutboxFor(env),
  clock: usageClockFor(env),
});

/** `db`, counting the statements prepared through it (for the benchmark's report of what a home read). */
function countingStatements(db: D1Database, onStatement: () => void): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          onStatement();
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
