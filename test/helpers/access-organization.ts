/** Helpers for the Access organization (integration tests): its path, and an account as it was before strict mode existed. */
import { env } from "cloudflare:workers";

/** The organization's path of an account, under the SDK's prefix. */
export const orgPath = (a: { org: { account_id: string } }) => `/client/v4/accounts/${a.org.account_id}/access/organizations`;

/**
 * Makes `a` an account that existed before migration 0011: strict mode off and
 * free to turn on and off, exactly the row the migration wrote for those.
 */
export async function makeLegacy(a: { org: { id: string } }) {
  await env.DB.prepare("UPDATE access_organizations SET strict_service_token_auth = 0, strict_locked = 0 WHERE org_id = ?")
    .bind(a.org.id)
    .run();
}
