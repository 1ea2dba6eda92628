/**
 * The RPC entrypoint for other Workers on the account: bind it as a service
 * (`entrypoint = "AuthService"`) and authenticate callers without a network hop.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { accountAudience } from "../auth/identity-jwt";
import { presentedCredential } from "../auth/presented";
import { describeIdentity, type IdentityJson, identityOf, refuseProven } from "../auth/service-auth";
import { configOf } from "../config";
import { DomainError, type ErrorCode, STATUS_OF } from "../core/shared/errors";
import { requirePermission } from "../core/shared/permissions";
import type { Env } from "../env";
import { ipLimitKey } from "../ratelimit/ip-key";
import { servicesFor } from "../services";

export type VerifyResult =
  | { ok: true; identity: IdentityJson; jwt: string }
  | { ok: false; status: number; error: ErrorCode; message: string; retryAfter?: number };

export interface VerifyOptions {
  /** The client's IP (CF-Connecting-IP): failed authentications from it are limited as over HTTP. */
  ip?: string;
}

export class AuthService extends WorkerEntrypoint<Env> {
  /**
   * Verifies the credentials among `headers` (as `CF-Access-Client-Id` /
   * `-Secret`, the configured JSON header, or `Authorization: Bearer`) and
   * returns the identity and a signed assertion, or a typed failure.
   */
  async verify(headers: Record<string, string> | [string, string][], options: VerifyOptions = {}): Promise<VerifyResult> {
    try {
      const h = new Headers(headers);
      const services = servicesFor(this.env);
      const authenticated = await services.auth
        .authenticate(
          () => presentedCredential((name) => h.get(name), configOf(this.env).serviceAuthHeader),
          ipLimitKey(options.ip),
          undefined,
          options.ip ?? null,
        )
        .catch((err: unknown) => {
          throw refuseProven(err);
        });
      requirePermission(authenticated.record.credential.policy?.permissions, "identity");
      const identity = identityOf(authenticated);
      // The caller's account is the audience: a caller cannot make it the gateway's.
      const jwt = await services.signer().sign(identity, accountAudience(identity.orgId));
      return { ok: true, identity: describeIdentity(identity), jwt };
    } catch (err) {
      if (err instanceof DomainError) {
        return {
          ok: false,
          status: STATUS_OF[err.code],
          error: err.code,
          message: err.message,
          ...(err.details.retryAfter === undefined ? {} : { retryAfter: err.details.retryAfter }),
        };
      }
      throw err;
    }
  }
}
