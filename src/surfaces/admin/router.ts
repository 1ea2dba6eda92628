/** Operator routes under `/admin`, guarded by ADMIN_TOKEN. Errors use the plain JSON format. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { requireAdminToken } from "../../auth/admin-token";
import type { AppEnv } from "../../http/app-env";
import { throwOnInvalid } from "../../http/validation";
import { registerBootstrap } from "./bootstrap";

import { renderPlainError } from "../../http/errors";
import type { Surface } from "../surface";
import type { AdminApp } from "./app-type";

export function adminRouter(): AdminApp {
  const app: AdminApp = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });
  app.use("*", requireAdminToken);
  registerBootstrap(app);
  return app;
}

export const adminSurface: Surface = {
  prefixes: ["/admin"],
  mount: (app) => app.route("/admin", adminRouter()),
  renderError: renderPlainError,
};
