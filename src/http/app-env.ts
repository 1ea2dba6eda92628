/** The Hono side of the environment: bindings plus the per-request values handlers read from the context. */
import type { ServiceIdentity } from "../auth/service-auth";
import type { Acting, Caller } from "../core/shared/model";
import type { Permission } from "../core/shared/permissions";
import type { Env } from "../env";
import type { Services } from "../services";

/** Per-request values handlers read from the context. */
export interface Variables {
  requestId: string;
  services: Services;
  /** Set by the authentication middleware on authenticated routes. */
  caller: Caller;
  /** Cloudflare surface: the org of the `{account_id}` in the path and the caller's role there, once resolved. */
  account: Acting;
  /** Service-auth routes: who authenticated. */
  identity: ServiceIdentity;
  /** Authenticated routes: the permissions the credential is limited to; null for its owner's rights. */
  permissions: readonly Permission[] | null;
}

export type AppEnv = { Bindings: Env; Variables: Variables };
