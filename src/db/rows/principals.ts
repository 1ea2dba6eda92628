/** Rows of `orgs`, `principals` and `memberships` (migration 0001). */
import type { Org, Principal, Role } from "../../core/shared/model";
import { type Aliased, select } from "./shared";

/** A row of `principals`: users and service accounts. */
export interface PrincipalRow {
  id: string;
  kind: Principal["kind"];
  email: string;
  given_name: string | null;
  family_name: string | null;
  name: string | null;
  created_at: number;
}

/** A row of `orgs`. */
export interface OrgRow {
  id: string;
  name: string;
  created_at: number;
}

/** A row of `memberships`. */
export interface MembershipRow {
  org_id: string;
  principal_id: string;
  role: Role;
  created_at: number;
}

const PRINCIPAL_COLUMNS = ["id", "kind", "email", "given_name", "family_name", "name", "created_at"] as const;
const ORG_COLUMNS = ["id", "name", "created_at"] as const;

/** Every column of `principals p`, as `p_<column>`. */
export const OWNER_SELECT = select("p", PRINCIPAL_COLUMNS);
/** Every column of `orgs o`, as `o_<column>`. */
export const ORG_SELECT = select("o", ORG_COLUMNS);
/** The role of `memberships m`, as `m_role`. */
export const ROLE_SELECT = "m.role AS m_role";

export type SelectedPrincipal = Aliased<PrincipalRow, "p_">;
export type SelectedOrg = Aliased<OrgRow, "o_">;
export type SelectedRole = Aliased<Pick<MembershipRow, "role">, "m_">;

/** A principal from `OWNER_SELECT`'s columns. */
export const principalFromRow = (row: SelectedPrincipal): Principal => ({
  id: row.p_id,
  kind: row.p_kind,
  email: row.p_email,
  givenName: row.p_given_name ?? null,
  familyName: row.p_family_name ?? null,
  name: row.p_name ?? null,
  createdAt: row.p_created_at,
});

/** An org from `ORG_SELECT`'s columns. */
export const orgFromRow = (row: SelectedOrg): Org => ({
  id: row.o_id,
  name: row.o_name,
  createdAt: row.o_created_at,
});
