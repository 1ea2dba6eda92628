/**
 * The Braintrust-compatible surface, mounted at `/v1`. Every route here is
 * authenticated by `Authorization: Bearer <API key or service token>`; a
 * service token acts as its service account wherever an API key is accepted.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { requireBearer } from "../../auth/bearer";
import type { AppEnv } from "../../http/app-env";
import { dropEmptyQueryValues } from "../../http/empty-query";
import { throwOnInvalid } from "../../http/validation";
import { registerCreateApiKey } from "./api-key/create-api-key";
import { registerDeleteApiKey } from "./api-key/delete-api-key";
import { registerGetApiKey } from "./api-key/get-api-key";
import { registerGetApiKeyUsage } from "./api-key/get-api-key-usage";
import { registerListApiKeys } from "./api-key/list-api-keys";
import { registerUpdateApiKey } from "./api-key/update-api-key";
import { registerListAuditEvents } from "./audit/list-audit-events";
import { registerPatchOrganizationMembers } from "./organization/patch-organization-members";
import { registerCreateServiceToken } from "./service-token/create-service-token";
import { registerDeleteServiceToken } from "./service-token/delete-service-token";
import { registerDeleteServiceTokenByBody } from "./service-token/delete-service-token-by-body";
import { registerGetServiceToken } from "./service-token/get-service-token";
import { registerGetServiceTokenUsage } from "./service-token/get-service-token-usage";
import { registerListUsage } from "./usage/list-usage";
import { registerListServiceTokens } from "./service-token/list-service-tokens";
import { registerReplaceServiceToken } from "./service-token/replace-service-token";
import { registerUpdateServiceToken } from "./service-token/update-service-token";
import { registerCreateWebhook } from "./webhook/create-webhook";
import { registerDeleteWebhook } from "./webhook/delete-webhook";
import { registerGetWebhook } from "./webhook/get-webhook";
import { registerListWebhookDeliveries } from "./webhook/list-webhook-deliveries";
import { registerListWebhooks } from "./webhook/list-webhooks";
import { registerRotateWebhookSecret } from "./webhook/rotate-webhook-secret";

import { withPermissions } from "../shared/route-permissions";
import { renderBraintrustError } from "./errors";
import type { BraintrustApp } from "./app-type";
import type { Surface } from "../surface";

export function braintrustRouter(): BraintrustApp {
  const app: BraintrustApp = withPermissions(new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }));
  // Preflight answers before authentication: browsers send OPTIONS without credentials.
  // Any origin, but never with credentials: the API reads only the Bearer header,
  // which a page must hold to send, so cookies are never needed and never allowed.
  // Request headers are reflected (empty allowHeaders), so the official client's
  // X-Stainless-* headers pass without a list to keep up to date.
  app.use(
    "*",
    cors({
      origin: "*",
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      exposeHeaders: ["X-Request-Id", "Retry-After", "RateLimit", "RateLimit-Policy"],
      maxAge: 86400,
    }),
  );
  app.use("*", dropEmptyQueryValues);
  app.use("*", requireBearer);
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerGetApiKey(app);
  registerGetApiKeyUsage(app);
  registerUpdateApiKey(app);
  registerDeleteApiKey(app);
  registerCreateServiceToken(app);
  registerReplaceServiceToken(app);
  registerListServiceTokens(app);
  registerGetServiceToken(app);
  registerGetServiceTokenUsage(app);
  registerUpdateServiceToken(app);
  registerDeleteServiceToken(app);
  registerDeleteServiceTokenByBody(app);
  registerPatchOrganizationMembers(app);
  registerListAuditEvents(app);
  registerListUsage(app);
  registerCreateWebhook(app);
  registerListWebhooks(app);
  registerGetWebhook(app);
  registerDeleteWebhook(app);
  registerRotateWebhookSecret(app);
  registerListWebhookDeliveries(app);
  return app;
}

export const braintrustSurface: Surface = {
  prefixes: ["/v1"],
  mount: (app) => app.route("/v1", braintrustRouter()),
  renderError: renderBraintrustError,
};
