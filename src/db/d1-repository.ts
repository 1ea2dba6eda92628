/**
 * The D1 implementation of the core's `Repository`, composed of one store per
 * port (`credentials.ts`, `verification.ts`, `members.ts`, `audit.ts`,
 * `bootstrap.ts`). Multi-statement changes go through `batch`, which D1 runs
 * as one transaction: all or nothing.
 */
import type { Repository } from "../core/orgs/ports";
import { D1AuditLog } from "./audit";
import { D1BootstrapStore } from "./bootstrap";
import { D1CredentialStore } from "./credentials";
import { D1MemberStore } from "./members";
import { D1VerificationStore } from "./verification";

/** Every port on one D1 database: what `services.ts` and a credential's home construct with `new D1Repository(env.DB)`. */
export class D1Repository implements Repository {
  private readonly credentials: D1CredentialStore;
  private readonly verification: D1VerificationStore;
  private readonly members: D1MemberStore;
  private readonly audit: D1AuditLog;
  private readonly bootstrapping: D1BootstrapStore;

  constructor(db: D1Database) {
    this.credentials = new D1CredentialStore(db);
    this.verification = new D1VerificationStore(db);
    this.members = new D1MemberStore(db);
    this.audit = new D1AuditLog(db);
    this.bootstrapping = new D1BootstrapStore(db);
  }

  // Each method is its store's; one line each, so that this file says where every one lives.
  findCredentialRefs: Repository["findCredentialRefs"] = (q) => this.credentials.findCredentialRefs(q);
  listCredentials: Repository["listCredentials"] = (q) => this.credentials.listCredentials(q);
  countCredentials: Repository["countCredentials"] = (q) => this.credentials.countCredentials(q);
  getCredential: Repository["getCredential"] = (scope) => this.credentials.getCredential(scope);
  insertCredential: Repository["insertCredential"] = (c, event) => this.credentials.insertCredential(c, event);
  updateCredential: Repository["updateCredential"] = (scope, revision, changes, event) =>
    this.credentials.updateCredential(scope, revision, changes, event);
  replaceCredentialByName: Repository["replaceCredentialByName"] = (c, event) => this.credentials.replaceCredentialByName(c, event);
  deleteCredential: Repository["deleteCredential"] = (scope, event) => this.credentials.deleteCredential(scope, event);

  getCaller: Repository["getCaller"] = (id) => this.verification.getCaller(id);
  findAccessToken: Repository["findAccessToken"] = (clientId) => this.verification.findAccessToken(clientId);
  upgradeHash: Repository["upgradeHash"] = (id, which, verified, upgraded) => this.verification.upgradeHash(id, which, verified, upgraded);
  noteCreditsExhausted: Repository["noteCreditsExhausted"] = (id, setAt, at) => this.verification.noteCreditsExhausted(id, setAt, at);

  findMembership: Repository["findMembership"] = (principalId, org) => this.members.findMembership(principalId, org);
  findServiceAccount: Repository["findServiceAccount"] = (orgId, id) => this.members.findServiceAccount(orgId, id);
  findUsersSharingAnOrg: Repository["findUsersSharingAnOrg"] = (ids, principalId) => this.members.findUsersSharingAnOrg(ids, principalId);
  findMembers: Repository["findMembers"] = (orgId, match) => this.members.findMembers(orgId, match);
  countOwners: Repository["countOwners"] = (orgId) => this.members.countOwners(orgId);
  changeMembership: Repository["changeMembership"] = (change) => this.members.changeMembership(change);

  listAuditEvents: Repository["listAuditEvents"] = (q) => this.audit.listAuditEvents(q);

  bootstrap: Repository["bootstrap"] = (input) => this.bootstrapping.bootstrap(input);
}
