/**
 * Resolves `{account_id}` to one of the caller's orgs and the caller's role
 * there. An account the caller is not in answers exactly as one that does not
 * exist (Cloudflare's 7003). Whether the role may manage tokens is the core's
 * decision (`core/shared/kinds.ts`), made in the service for every operation.
 */
import { createMiddleware } from "hono/factory";
import { DomainError } from "../../core/shared/errors";
import { hexToUuid } from "../../core/shared/ids";
import type { AppEnv } from "../../http/app-env";

const ACCOUNT_ID = /^[0-9a-f]{32}$/;

export const requireAccount = createMiddleware<AppEnv>(async (c, next) => {
  const accountId = c.req.param("account_id") ?? "";
  const role = ACCOUNT_ID.test(accountId) ? await c.var.services.orgs.roleIn(c.var.caller, hexToUuid(accountId)) : null;
  if (!role) {
    // Cloudflare names the path it could not route, without the SDK's base path.
    const path = c.req.path.replace(/^\/client\/v4(?=\/)/, "");
    throw new DomainError("not_found", `Could not route to ${path}, perhaps your object identifier is invalid?`, {
      reason: "unknown_account",
    });
  }
  c.set("account", { orgId: hexToUuid(accountId), role });
  await next();
});
