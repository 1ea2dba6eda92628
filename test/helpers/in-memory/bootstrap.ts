/**
 * The bootstrap of an org's first owner in memory, after `src/db/bootstrap.ts`:
 * the org found or created by name, the user by email (a missing given or
 * family name filled in), made an owner, the key and its event stored, all
 * or nothing.
 */
import { DomainError } from "../../../src/core/shared/errors";
import type { Org, Principal } from "../../../src/core/shared/model";
import type { BootstrapInput, BootstrapStore } from "../../../src/core/orgs/ports";
import { type Tables, copy } from "./tables";

/** `BootstrapStore` on the in-memory tables. */
export class MemoryBootstrapStore implements BootstrapStore {
  constructor(private readonly t: Tables) {}

  async bootstrap({ org, pinnedId, user, credential, now, event }: BootstrapInput): Promise<{ org: Org; user: Principal }> {
    return this.t.atomically(() => {
      const byName = this.t.orgByName(org.name);
      if (pinnedId && (byName ? byName.id !== org.id : this.t.orgs.has(org.id))) {
        throw new DomainError(
          "conflict",
          `org_name ${JSON.stringify(org.name)} and account_id name different orgs (one of them exists without the other); nothing was written`,
        );
      }
      if (!byName) this.t.insertOrg(org);
      const existing = this.t.userByEmail(user.email);
      if (existing) {
        existing.givenName = user.givenName ?? existing.givenName;
        existing.familyName = user.familyName ?? existing.familyName;
      } else {
        this.t.insertPrincipal({ ...user, kind: "user", name: null });
      }
      const storedOrg = this.t.orgByName(org.name)!;
      const storedUser = this.t.userByEmail(user.email)!;
      this.t.upsertMembership({ orgId: storedOrg.id, principalId: storedUser.id, role: "owner", createdAt: now }, () => "owner");
      this.t.insertCredential({ ...credential, orgId: storedOrg.id, principalId: storedUser.id });
      this.t.events.push(copy({ ...event, orgId: storedOrg.id, targetId: storedOrg.id }));
      return { org: copy(storedOrg), user: copy(storedUser) };
    });
  }
}
