/**
 * The one table of what each authenticated route needs: a credential limited
 * to permissions (its policy's `permissions`) may call a route only if it holds
 * the route's. Routers built with `withPermissions` look every route up here
 * when it is registered: a route missing from the table fails the app's build
 * (its first request, and every test: no route is ever left unguarded), and
 * the route's permission is enforced right after authentication and published
 * as `x-required-permission` in the OpenAPI document. Credentials without
 * `permissions` are judged by their owner's role alone, in the core, as before.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { type Permission, requirePermission } from "../../core/shared/permissions";
import type { AppEnv } from "../../http/app-env";

export const ROUTE_PERMISSIONS: Record<string, Permission> = {
  // Braintrust: API keys (the caller's own), service tokens, members, audit, webhooks.
  postApiKey: "api_keys:write",
  getApiKey: "api_keys:read",
  getApiKeyId: "api_keys:read",
  getApiKeyIdUsage: "api_keys:read",
  patchApiKeyId: "api_keys:write",
  deleteApiKeyId: "api_keys:write",
  postServiceToken: "service_tokens:write",
  putServiceToken: "service_tokens:write",
  getServiceToken: "service_tokens:read",
  getServiceTokenId: "service_tokens:read",
  getServiceTokenIdUsage: "service_tokens:read",
  patchServiceTokenId: "service_tokens:write",
  deleteServiceTokenId: "service_tokens:write",
  deleteServiceToken: "service_tokens:write",
  patchOrganizationMembers: "members:write",
  getAuditEvents: "audit:read",
  getUsage: "usage:read",
  postWebhook: "webhooks:write",
  getWebhook: "webhooks:read",
  getWebhookId: "webhooks:read",
  deleteWebhookId: "webhooks:write",
  postWebhookIdRotateSecret: "webhooks:write",
  getWebhookIdDeliveries: "webhooks:read",
  // Cloudflare Access: service tokens are Access objects (owner-only, next to applications and
  // policies), so they are `access:*`; `service_tokens:*` are Braintrust's.
  "access-service-tokens-create-a-service-token": "access:write",
  "access-service-tokens-list-service-tokens": "access:read",
  "access-service-tokens-get-a-service-token": "access:read",
  "edgekeys-access-service-tokens-get-usage": "access:read",
  "access-service-tokens-update-a-service-token": "access:write",
  "access-service-tokens-delete-a-service-token": "access:write",
  "access-service-tokens-refresh-a-service-token": "access:write",
  "access-service-tokens-rotate-a-service-token": "access:write",
  "access-applications-add-an-application": "access:write",
  "access-applications-list-access-applications": "access:read",
  "access-applications-get-an-access-application": "access:read",
  "access-applications-update-an-access-application": "access:write",
  "access-applications-delete-an-access-application": "access:write",
  "access-applications-revoke-service-tokens": "access:write",
  "access-policies-create-an-access-reusable-policy": "access:write",
  "access-policies-list-access-reusable-policies": "access:read",
  "access-policies-get-an-access-reusable-policy": "access:read",
  "access-policies-update-an-access-reusable-policy": "access:write",
  "access-policies-delete-an-access-reusable-policy": "access:write",
  "access-policies-create-an-access-policy": "access:write",
  "access-policies-list-access-app-policies": "access:read",
  "access-policies-get-an-access-policy": "access:read",
  "access-policies-update-an-access-policy": "access:write",
  "access-policies-delete-an-access-policy": "access:write",
  "zero-trust-organization-get-your-zero-trust-organization": "access:read",
  "zero-trust-organization-create-your-zero-trust-organization": "access:write",
  "zero-trust-organization-update-your-zero-trust-organization": "access:write",
  "zero-trust-organization-patch-your-zero-trust-organization": "access:write",
  // Service auth: its door needs `identity` on every path (the gateway too); the route says so.
  getAccessIdentity: "identity",
};

/** Routes that take no credential at all, hence need no permission. */
const UNAUTHENTICATED = new Set(["getAccessCerts"]);

/** Refuses a credential limited to permissions that lacks `permission`, with 403 naming it. */
export const permit = (permission: Permission) =>
  createMiddleware<AppEnv>(async (c, next) => {
    requirePermission(c.var.permissions, permission);
    await next();
  });

/** `app`, whose every `openapi` route is looked up in the table, enforced, and documented. */
export function withPermissions<A extends OpenAPIHono<AppEnv>>(app: A): A {
  const register = app.openapi.bind(app) as (...args: unknown[]) => unknown;
  app.openapi = ((route: Parameters<A["openapi"]>[0], ...rest: unknown[]) => {
    const id = route.operationId ?? "";
    if (UNAUTHENTICATED.has(id)) return register(route, ...rest);
    const permission = ROUTE_PERMISSIONS[id];
    if (!permission) throw new Error(`route ${route.method.toUpperCase()} ${route.path} (${id}) has no entry in ROUTE_PERMISSIONS`);
    const own = route.middleware ? [route.middleware].flat() : [];
    // After the route's own middleware (get-identity authenticates there), before validation.
    return register({ ...route, "x-required-permission": permission, middleware: [...own, permit(permission)] }, ...rest);
  }) as A["openapi"];
  return app;
}
