/**
 * The Cloudflare-compatible surface: Access service tokens, applications,
 * policies and the organization under `/accounts/{account_id}/access/...`, mounted both at `/` and
 * at `/client/v4` (where the official SDK's `baseURL` points).
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireApiCredentials } from "../../auth/api-credentials";
import type { AppEnv } from "../../http/app-env";
import { dropEmptyQueryValues } from "../../http/empty-query";
import { throwOnInvalid } from "../../http/validation";
import { requireAccount } from "./account";
import { registerCreateAccessApp } from "./access-app/create-access-app";
import { registerDeleteAccessApp } from "./access-app/delete-access-app";
import { registerGetAccessApp } from "./access-app/get-access-app";
import { registerListAccessApps } from "./access-app/list-access-apps";
import { registerRevokeAccessAppTokens } from "./access-app/revoke-access-app-tokens";
import { registerUpdateAccessApp } from "./access-app/update-access-app";
import { registerCreateAccessPolicy } from "./access-policy/create-access-policy";
import { registerDeleteAccessPolicy } from "./access-policy/delete-access-policy";
import { registerGetAccessPolicy } from "./access-policy/get-access-policy";
import { registerListAccessPolicies } from "./access-policy/list-access-policies";
import { registerUpdateAccessPolicy } from "./access-policy/update-access-policy";
import { registerCreateAppPolicy } from "./app-policy/create-app-policy";
import { registerDeleteAppPolicy } from "./app-policy/delete-app-policy";
import { registerGetAppPolicy } from "./app-policy/get-app-policy";
import { registerListAppPolicies } from "./app-policy/list-app-policies";
import { registerUpdateAppPolicy } from "./app-policy/update-app-policy";
import { registerCreateAccessOrganization } from "./access-organization/create-access-organization";
import { registerGetAccessOrganization } from "./access-organization/get-access-organization";
import { registerPatchAccessOrganization } from "./access-organization/patch-access-organization";
import { registerUpdateAccessOrganization } from "./access-organization/update-access-organization";
import { registerCreateServiceToken } from "./service-token/create-service-token";
import { registerDeleteServiceToken } from "./service-token/delete-service-token";
import { registerGetServiceToken } from "./service-token/get-service-token";
import { registerGetServiceTokenUsage } from "./service-token/get-service-token-usage";
import { registerListServiceTokens } from "./service-token/list-service-tokens";
import { registerRefreshServiceToken } from "./service-token/refresh-service-token";
import { registerRotateServiceToken } from "./service-token/rotate-service-token";
import { registerUpdateServiceToken } from "./service-token/update-service-token";

import { Hono } from "hono";
import type { Surface } from "../surface";
import { withPermissions } from "../shared/route-permissions";
import type { CloudflareApp } from "./app-type";
import { renderCloudflareError } from "./errors";

export function cloudflareRouter(): CloudflareApp {
  const app: CloudflareApp = withPermissions(new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }));
  // Paths, not "*": this router is also mounted at "/", where "*" would cover every other surface.
  app.use("/accounts/*", dropEmptyQueryValues);
  app.use("/accounts/*", requireApiCredentials);
  app.use("/accounts/:account_id/access/*", requireAccount);
  registerCreateServiceToken(app);
  registerListServiceTokens(app);
  registerGetServiceToken(app);
  registerGetServiceTokenUsage(app);
  registerUpdateServiceToken(app);
  registerDeleteServiceToken(app);
  registerRefreshServiceToken(app);
  registerRotateServiceToken(app);
  registerCreateAccessApp(app);
  registerListAccessApps(app);
  registerGetAccessApp(app);
  registerUpdateAccessApp(app);
  registerDeleteAccessApp(app);
  registerRevokeAccessAppTokens(app);
  registerCreateAccessPolicy(app);
  registerListAccessPolicies(app);
  registerGetAccessPolicy(app);
  registerUpdateAccessPolicy(app);
  registerDeleteAccessPolicy(app);
  registerCreateAppPolicy(app);
  registerListAppPolicies(app);
  registerGetAppPolicy(app);
  registerUpdateAppPolicy(app);
  registerDeleteAppPolicy(app);
  registerGetAccessOrganization(app);
  registerCreateAccessOrganization(app);
  registerUpdateAccessOrganization(app);
  registerPatchAccessOrganization(app);
  return app;
}

export const cloudflareSurface: Surface = {
  prefixes: ["/accounts", "/client/v4"],
  mount(app) {
    // One router, mounted twice (mounting copies its routes): built once, its validators too.
    const router = cloudflareRouter();
    app.route("/", router);
    // The same routes under the SDK's base path; a plain Hono wrapper keeps them out of the
    // OpenAPI document, whose operation ids must be unique.
    app.route("/client/v4", new Hono<AppEnv>().route("/", router));
  },
  renderError: renderCloudflareError,
};
