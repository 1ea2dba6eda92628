/** What a credential's home reads and writes, in memory, after `src/db/verification.ts`. */
import type { SecretHash } from "../../../src/core/credentials/hashing";
import type { Caller, Credential } from "../../../src/core/shared/model";
import type { VerificationStore } from "../../../src/core/credentials/ports";
import { type Tables, copy } from "./tables";

const sameBytes = (a: ArrayBuffer | null, b: ArrayBuffer) =>
  a !== null && a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === new Uint8Array(b)[i]);

/** `VerificationStore` on the in-memory tables. */
export class MemoryVerificationStore implements VerificationStore {
  constructor(private readonly t: Tables) {}

  async getCaller(credentialId: string): Promise<Caller | null> {
    const credential = this.t.credentials.get(credentialId);
    if (!credential || credential.principalId === null) return null;
    const principal = this.t.principals.get(credential.principalId);
    const membership = this.t.membership(credential.orgId, credential.principalId);
    const org = this.t.orgs.get(credential.orgId);
    if (!principal || !membership || !org) return null;
    return copy({ credential, principal, org, role: membership.role });
  }

  async findAccessToken(clientId: string): Promise<Credential | null> {
    const found = [...this.t.credentials.values()].find((c) => c.kind === "access_token" && c.clientId === clientId);
    return found ? copy(found) : null;
  }

  async upgradeHash(id: string, which: "current" | "previous", verified: SecretHash, upgraded: SecretHash): Promise<void> {
    const c = this.t.credentials.get(id);
    if (!c) return;
    // Compare-and-swap on the verified hash itself, not only its version.
    if (which === "current" && sameBytes(c.secretHash, verified.hash) && c.hashVersion === verified.version) {
      Object.assign(c, { secretHash: copy(upgraded.hash), hashVersion: upgraded.version });
    }
    if (which === "previous" && sameBytes(c.prevSecretHash, verified.hash) && c.prevHashVersion === verified.version) {
      Object.assign(c, { prevSecretHash: copy(upgraded.hash), prevHashVersion: upgraded.version });
    }
  }

  async noteCreditsExhausted(id: string, setAt: number, at: number): Promise<void> {
    const c = this.t.credentials.get(id);
    if (c?.policy?.credits?.setAt === setAt) Object.assign(c, { lastUsedAt: at, creditsRemaining: 0 });
  }
}
