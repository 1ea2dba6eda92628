/**
 * The leak-response surface: GitHub's secret scanning partner endpoint and
 * public revocation. Neither takes an edgekeys credential (a GitHub signature,
 * or the leaked secret itself, is the proof), so neither has CORS or
 * authentication middleware. Errors use the plain JSON format.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";
import { renderPlainError } from "../../http/errors";
import { throwOnInvalid } from "../../http/validation";
import type { Surface } from "../surface";
import type { GithubApp } from "./app-type";
import { registerReportSecrets } from "./report-secrets";
import { registerRevokeCredentials } from "./revoke-credentials";

/** Reports and revocations can carry up to 1,000 secrets, with GitHub's url and source for each. */
export const LEAK_MAX_BODY_BYTES = 1024 * 1024;

export function leakRouter(): GithubApp {
  const app: GithubApp = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });
  registerReportSecrets(app);
  registerRevokeCredentials(app);
  return app;
}

export const leakSurface: Surface = {
  // Exactly these two paths: in gateway mode, everything else under them is the origin's.
  prefixes: ["/secret-scanning/github", "/credentials/revoke"],
  mount: (app) => app.route("/", leakRouter()),
  renderError: renderPlainError,
  maxBodyBytes: LEAK_MAX_BODY_BYTES,
};
