import { createRoute, z } from "@hono/zod-openapi";
import type { CloudflareApp } from "../app-type";
import { accessErrorResponses, AppParams } from "../access-schema-kit";
import { CLOUDFLARE_SECURITY, envelope } from "../schemas";
import { ok } from "../wire";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

export const revokeAccessAppTokensRoute = createRoute({
  method: "post",
  path: "/accounts/{account_id}/access/apps/{app_id}/revoke_tokens",
  operationId: "access-applications-revoke-service-tokens",
  tags: ["Access applications"],
  summary: "Revoke an application's tokens",
  description:
    "Access ends the application's sessions. edgekeys keeps none (each admitted request gets a fresh, short-lived assertion), so this is recorded in the audit log and changes nothing. Takes no body.",
  security: CLOUDFLARE_SECURITY,
  request: { params: AppParams },
  responses: {
    202: { description: "Done; the result is empty", content: { "application/json": { schema: envelope(z.null()) } } },
    ...accessErrorResponses,
  },
});

export type RevokeAccessAppTokensRequest = RouteRequest<typeof revokeAccessAppTokensRoute>;
export type RevokeAccessAppTokensResponse = RouteResponse<typeof revokeAccessAppTokensRoute>;

export const registerRevokeAccessAppTokens = (app: CloudflareApp) =>
  app.openapi(revokeAccessAppTokensRoute, async (c) => {
    const { app_id } = c.req.valid("param");
    await c.var.services.accessApps.revokeTokens(c.var.account, app_id);
    return c.json(ok(null), 202);
  });
