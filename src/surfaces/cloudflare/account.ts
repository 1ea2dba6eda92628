/**
 * Resolves `{account_id}` to one of the caller's orgs. An account the caller
 * is not in answers exactly as one that does not exist (Cloudflare's 7003);
 * managing Access service tokens needs an owner's credential.
 */
import { createMiddleware } from "hono/factory";
import { DomainError } from "../../core/errors";
import { hexToUuid } from "../../core/ids";
import { requireOwner } from "../../core/orgs";
import type { AppEnv } from "../../http/app-env";

const ACCOUNT_ID = /^[0-9a-f]{32}$/;

export const requireAccount = createMiddleware<AppEnv>(async (c, next) => {
  const accountId = c.req.param("account_id") ?? "";
  const role = ACCOUNT_ID.test(accountId) ? await c.var.services.orgs.roleIn(c.var.caller, hexToUuid(accountId)) : null;
  if (!role) {
    throw new DomainError(
      "not_found",
      `Could not route to /accounts/${accountId}/access/service_tokens, perhaps your object identifier is invalid?`,
      { reason: "unknown_account" },
    );
  }
  requireOwner(role, "Managing Access service tokens");
  c.set("accountOrgId", hexToUuid(accountId));
  await next();
});
