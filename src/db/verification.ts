/**
 * What a credential's home reads and writes in D1: its verification record in
 * one query, and the two writes that are not updates (no revision bump, no
 * event), so they never collide with management writes.
 */
import type { SecretHash } from "../core/credentials/hashing";
import type { Caller, Credential } from "../core/shared/model";
import type { VerificationStore } from "../core/credentials/ports";
import { CREDENTIAL_SELECT, credentialFromRow, type SelectedCredential } from "./rows/credentials";
import {
  ORG_SELECT,
  OWNER_SELECT,
  orgFromRow,
  principalFromRow,
  ROLE_SELECT,
  type SelectedOrg,
  type SelectedPrincipal,
  type SelectedRole,
} from "./rows/principals";
import { prepare } from "./sql";

/** The stamp of the credits stored with a credential (see `core/credentials/policy.ts`). */
const SET_AT = "json_extract(policy, '$.credits.setAt')";

/** `VerificationStore` on D1. */
export class D1VerificationStore implements VerificationStore {
  constructor(private readonly db: D1Database) {}

  async getCaller(credentialId: string): Promise<Caller | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT ${CREDENTIAL_SELECT}, ${OWNER_SELECT}, ${ORG_SELECT}, ${ROLE_SELECT}
         FROM credentials c
         JOIN principals p ON p.id = c.principal_id
         JOIN memberships m ON m.org_id = c.org_id AND m.principal_id = c.principal_id
         JOIN orgs o ON o.id = c.org_id
         WHERE c.id = ${p.add(credentialId)}`,
    ).first<SelectedCredential & SelectedPrincipal & SelectedOrg & SelectedRole>();
    if (!row) return null;
    return { credential: credentialFromRow(row), principal: principalFromRow(row), org: orgFromRow(row), role: row.m_role };
  }

  async findAccessToken(clientId: string): Promise<Credential | null> {
    const row = await prepare(
      this.db,
      (p) => `SELECT ${CREDENTIAL_SELECT} FROM credentials c WHERE c.client_id = ${p.add(clientId)} AND c.kind = 'access_token'`,
    ).first<SelectedCredential>();
    return row ? credentialFromRow(row) : null;
  }

  async upgradeHash(id: string, which: "current" | "previous", verified: SecretHash, upgraded: SecretHash): Promise<void> {
    const [hash, version] = which === "current" ? ["secret_hash", "hash_version"] : ["prev_secret_hash", "prev_hash_version"];
    // Compare-and-swap on the verified hash itself, not only its version.
    await prepare(
      this.db,
      (p) =>
        `UPDATE credentials SET ${hash} = ${p.add(upgraded.hash)}, ${version} = ${p.add(upgraded.version)}
         WHERE id = ${p.add(id)} AND ${hash} = ${p.add(verified.hash)} AND ${version} = ${p.add(verified.version)}`,
    ).run();
  }

  async noteCreditsExhausted(id: string, setAt: number, at: number): Promise<void> {
    await prepare(
      this.db,
      (p) =>
        `UPDATE credentials SET last_used_at = ${p.add(at)}, credits_remaining = 0, credits_exhausted_at = ${p.add(at)}
         WHERE id = ${p.add(id)} AND ${SET_AT} = ${p.add(setAt)}`,
    ).run();
  }
}
