import type { Caller } from "./core/model";
import type { Services } from "./services";

/** Bindings, secrets and vars of the Worker (see wrangler.toml and README "Configuration"). */
export interface Env {
  DB: D1Database;
  /** Enables /admin/*; unset means those routes answer 404. */
  ADMIN_TOKEN?: string;
  /** HMAC key for credential hashes. */
  TOKEN_PEPPER?: string;
  TOKEN_PEPPER_VERSION?: string;
  TOKEN_PEPPER_PREVIOUS?: string;
}

/** Per-request values handlers read from the context. */
export interface Variables {
  requestId: string;
  services: Services;
  /** Set by the authentication middleware on authenticated routes. */
  caller: Caller;
  /** Cloudflare surface: the org of the `{account_id}` in the path, once resolved. */
  accountOrgId: string;
}

export type AppEnv = { Bindings: Env; Variables: Variables };
