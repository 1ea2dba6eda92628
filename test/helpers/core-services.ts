/**
 * The core services wired for unit tests: on the in-memory repository, with a
 * recording verification cache, an audit context and a clock the test moves.
 * One timeline records holds, writes and releases in the order they happen.
 */
import { AccessTokenService } from "../../src/core/credentials/access-tokens";
import { AuditContext } from "../../src/core/shared/audit-events";
import { CredentialService } from "../../src/core/credentials/credentials";
import { SecretHasher } from "../../src/core/credentials/hashing";
import { uuidv7 } from "../../src/core/shared/ids";
import { MemberService } from "../../src/core/orgs/members";
import type { Caller, Org, Principal } from "../../src/core/shared/model";
import { OrgService } from "../../src/core/orgs/orgs";
import { InMemoryRepository } from "./in-memory-repository";
import { RecordingCache } from "./recording-cache";

export const HOUR = 3_600_000;

/** Builds the services; `clock.now` is what they read as the time. */
export function coreServices() {
  const timeline: string[] = [];
  const repo = new InMemoryRepository();
  repo.onWrite = (method) => timeline.push(`write ${method}`);
  const homes = new RecordingCache(timeline);
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const hasher = new SecretHasher({ current: { version: 1, secret: "unit-test-pepper-0123456789" } });
  const audit = new AuditContext("req-unit", "203.0.113.7");
  const credentials = new CredentialService(repo, hasher, homes, audit, now);
  const orgs = new OrgService(repo, credentials, homes, audit, now);
  const members = new MemberService(repo, credentials, homes, audit, now);
  const accessTokens = new AccessTokenService(repo, hasher, homes, audit, now);

  /** An org with its first owner and their key, as `POST /admin/bootstrap` makes them; the caller that key proves. */
  async function orgWithOwner(orgName: string, email: string): Promise<{ org: Org; owner: Principal; caller: Caller; key: string }> {
    const { org, user, issued } = await orgs.bootstrap({ orgName, email, givenName: null, familyName: null });
    const caller = await repo.getCaller(issued.credential.id);
    if (!caller) throw new Error("bootstrap left no caller");
    return { org, owner: user, caller, key: issued.token };
  }

  /** Makes `principal` a member of `org` directly in the tables (no event, no homes). */
  function join(org: Org, principal: Principal, role: "owner" | "member" = "member") {
    if (!repo.tables.principals.has(principal.id)) repo.tables.insertPrincipal(principal);
    repo.tables.upsertMembership({ orgId: org.id, principalId: principal.id, role, createdAt: clock.now }, () => role);
  }

  /** Forgets what the timeline holds so far (the setup's writes). */
  const freshTimeline = () => timeline.splice(0);

  return { repo, homes, timeline, freshTimeline, clock, hasher, audit, credentials, orgs, members, accessTokens, orgWithOwner, join };
}

/** A user principal that is not stored anywhere yet. */
export const user = (email: string, id = uuidv7()): Principal => ({
  id,
  kind: "user",
  email,
  givenName: null,
  familyName: null,
  name: null,
  createdAt: 0,
});
