/** Operator routes under `/admin`, guarded by ADMIN_TOKEN. Errors use the plain JSON format. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireAdminToken } from "../../auth/admin-token";
import type { AppEnv } from "../../http/app-env";
import { throwOnInvalid } from "../../http/validation";
import { registerBootstrap } from "./bootstrap";

import type { AdminApp } from "./app-type";

export function adminRouter(): AdminApp {
  const app: AdminApp = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });
  app.use("*", requireAdminToken);
  registerBootstrap(app);
  return app;
}
