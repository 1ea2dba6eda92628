/**
 * The one middleware factory every HTTP door is built from: it runs the
 * authentication pipeline on what the door reads from the request, sends the
 * rate-limit headers (success or not), challenges a 401 with
 * `WWW-Authenticate`, and puts who called on the context (`identity` always,
 * `caller` for a key or Braintrust service token, whose owner, org and role the
 * management APIs need), and on the audit context as the actor.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { DomainError } from "../core/shared/errors";
import { type Permission, requirePermission } from "../core/shared/permissions";
import type { AppEnv } from "../http/app-env";
import { clientIp } from "../http/client-ip";
import { ipLimitKey } from "../ratelimit/ip-key";
import { configOf } from "../config";
import type { Authenticated } from "./pipeline";
import type { PresentedCredential } from "./presented";
import { identityOf, refuseProven } from "./service-auth";

export interface Door {
  /** The presented credential, or a `missing`/`malformed` failure in this door's own words. */
  extract(c: Context<AppEnv>): PresentedCredential;
  /** May refuse a verified credential (e.g. an X-Auth-Email that is not its owner's). */
  admit?(c: Context<AppEnv>, authenticated: Authenticated): void;
  /** Doors that hand on an identity answer a disabled or expired credential with 403, as Access does. */
  refuseProvenWith403?: boolean;
  /** The `WWW-Authenticate` challenge of a 401. */
  challenge: string;
  /** What every request through this door needs, whatever its route (`identity` at the service-auth doors). */
  permission?: Permission;
}

export const authenticate = (door: Door) =>
  createMiddleware<AppEnv>(async (c, next) => {
    for (const [name, value] of Object.entries(configOf(c.env).limits.header)) c.header(name, value);
    let result: Authenticated;
    try {
      result = await c.var.services.auth.authenticate(
        () => door.extract(c),
        ipLimitKey(clientIp(c)),
        door.admit && ((a) => door.admit!(c, a)),
        clientIp(c),
      );
    } catch (caught) {
      const err = door.refuseProvenWith403 ? refuseProven(caught) : caught;
      if (err instanceof DomainError && err.code === "unauthenticated") {
        err.details.headers = { ...err.details.headers, "WWW-Authenticate": door.challenge };
      }
      throw err;
    }
    for (const [name, value] of Object.entries(result.headers)) c.header(name, value);
    const { credential, principal, org, role } = result.record;
    // What the credential is limited to (null: its owner's rights); each route checks its own permission against it.
    const permissions = credential.policy?.permissions ?? null;
    c.set("permissions", permissions);
    if (door.permission) requirePermission(permissions, door.permission);
    c.set("identity", identityOf(result));
    if (principal && org && role) c.set("caller", { credential, principal, org, role });
    // Whatever this request changes is recorded as done by this credential and its owner.
    c.var.services.audit.actor = { principalId: credential.principalId, credentialId: credential.id };
    await next();
  });
