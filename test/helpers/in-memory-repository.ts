/**
 * An in-memory `Repository` for the core's unit tests: faithful to the
 * contracts of `src/core/credentials/ports.ts` as the D1 implementation keeps them, with
 * one store per port under `in-memory/` (the same split as `src/db/`), and
 * what a test needs to stage what D1 cannot be made to do on cue: a write
 * made concurrently by someone else, and a journal of the writes to order
 * them against the verification homes' holds.
 */
import type { CredentialChanges, CredentialScope } from "../../src/core/credentials/ports";
import type { Repository } from "../../src/core/orgs/ports";
import { MemoryAuditLog } from "./in-memory/audit";
import { MemoryBootstrapStore } from "./in-memory/bootstrap";
import { MemoryCredentialStore } from "./in-memory/credentials";
import { MemoryMemberStore } from "./in-memory/members";
import { Tables } from "./in-memory/tables";
import { MemoryVerificationStore } from "./in-memory/verification";

/** Every port on one in-memory database, with the hooks a test stages races and orderings with. */
export class InMemoryRepository implements Repository {
  /** The rows, for a test to seed and inspect. */
  readonly tables = new Tables();
  /** Called with the method's name as each write reaches storage. */
  onWrite: ((method: string) => void) | null = null;
  /** Runs as each compare-and-swap update begins, before it compares: where a test stages a concurrent write. */
  beforeUpdate: ((scope: CredentialScope) => void) | null = null;

  private readonly credentials = new MemoryCredentialStore(this.tables);
  private readonly verification = new MemoryVerificationStore(this.tables);
  private readonly members = new MemoryMemberStore(this.tables);
  private readonly audit = new MemoryAuditLog(this.tables);
  private readonly bootstrapping = new MemoryBootstrapStore(this.tables);

  /** A write by someone else: sets `changes` on the credential and bumps its revision, without an event. */
  concurrentWrite(id: string, changes: CredentialChanges = {}): void {
    const c = this.tables.credentials.get(id);
    if (!c) throw new Error(`no credential ${id}`);
    Object.assign(c, changes, { revision: c.revision + 1 });
  }

  /** The stored events, oldest first. */
  get events() {
    return this.tables.events;
  }

  findCredentialRefs: Repository["findCredentialRefs"] = (q) => this.credentials.findCredentialRefs(q);
  listCredentials: Repository["listCredentials"] = (q) => this.credentials.listCredentials(q);
  countCredentials: Repository["countCredentials"] = (q) => this.credentials.countCredentials(q);
  getCredential: Repository["getCredential"] = (scope) => this.credentials.getCredential(scope);
  insertCredential: Repository["insertCredential"] = (c, event) =>
    this.write("insertCredential", () => this.credentials.insertCredential(c, event));
  updateCredential: Repository["updateCredential"] = (scope, revision, changes, event) =>
    this.write("updateCredential", () => {
      this.beforeUpdate?.(scope);
      return this.credentials.updateCredential(scope, revision, changes, event);
    });
  replaceCredentialByName: Repository["replaceCredentialByName"] = (c, event) =>
    this.write("replaceCredentialByName", () => this.credentials.replaceCredentialByName(c, event));
  deleteCredential: Repository["deleteCredential"] = (scope, event) =>
    this.write("deleteCredential", () => this.credentials.deleteCredential(scope, event));

  getCaller: Repository["getCaller"] = (id) => this.verification.getCaller(id);
  findAccessToken: Repository["findAccessToken"] = (clientId) => this.verification.findAccessToken(clientId);
  upgradeHash: Repository["upgradeHash"] = (id, which, verified, upgraded) =>
    this.write("upgradeHash", () => this.verification.upgradeHash(id, which, verified, upgraded));
  noteCreditsExhausted: Repository["noteCreditsExhausted"] = (id, setAt, at) =>
    this.write("noteCreditsExhausted", () => this.verification.noteCreditsExhausted(id, setAt, at));

  findMembership: Repository["findMembership"] = (principalId, org) => this.members.findMembership(principalId, org);
  findServiceAccount: Repository["findServiceAccount"] = (orgId, id) => this.members.findServiceAccount(orgId, id);
  findUsersSharingAnOrg: Repository["findUsersSharingAnOrg"] = (ids, principalId) => this.members.findUsersSharingAnOrg(ids, principalId);
  findMembers: Repository["findMembers"] = (orgId, match) => this.members.findMembers(orgId, match);
  countOwners: Repository["countOwners"] = (orgId) => this.members.countOwners(orgId);
  changeMembership: Repository["changeMembership"] = (change) =>
    this.write("changeMembership", () => this.members.changeMembership(change));

  listAuditEvents: Repository["listAuditEvents"] = (q) => this.audit.listAuditEvents(q);

  bootstrap: Repository["bootstrap"] = (input) => this.write("bootstrap", () => this.bootstrapping.bootstrap(input));

  private async write<T>(method: string, run: () => Promise<T>): Promise<T> {
    this.onWrite?.(method);
    return run();
  }
}
