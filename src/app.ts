/**
 * The Worker's HTTP application: shared middleware, the surfaces mounted at
 * their prefixes, the OpenAPI document, and the single place where a thrown
 * error or an unmatched route becomes a response in the right surface's format.
 */
import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { AuditContext } from "./core/audit";
import { DomainError } from "./core/errors";
import type { AppEnv } from "./http/app-env";
import { type ErrorRenderer, renderPlainError, toDomainError } from "./http/errors";
import { afterResponse } from "./http/background";
import { CEILING_PATH, ceiling } from "./http/bench-route";
import { clientIp } from "./http/client-ip";
import { instrumented, metricsHeaders, newCounts } from "./http/metrics";
import { throwOnInvalid } from "./http/validation";
import { servicesFor } from "./services";
import { adminRouter } from "./surfaces/admin/router";
import { renderBraintrustError } from "./surfaces/braintrust/errors";
import { renderCloudflareError } from "./surfaces/cloudflare/errors";
import { cloudflareRouter } from "./surfaces/cloudflare/router";
import { gateway, isOwnPath } from "./surfaces/service-auth/gateway";
import { serviceAuthRouter } from "./surfaces/service-auth/router";
import { braintrustRouter } from "./surfaces/braintrust/router";

/** Largest request body accepted anywhere; every request we serve is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Where the surfaces are mounted. */
const SURFACE_PREFIXES = ["/v1", "/admin", "/accounts", "/client/v4", "/cdn-cgi"] as const;

/** Which error format a path speaks. Paths outside every surface get plain JSON. */
const RENDERERS: [prefix: string, render: ErrorRenderer][] = [
  ["/v1/", renderBraintrustError],
  ["/accounts/", renderCloudflareError],
  ["/client/v4/", renderCloudflareError],
];

const rendererFor = (c: Context<AppEnv>): ErrorRenderer =>
  RENDERERS.find(([prefix]) => c.req.path.startsWith(prefix))?.[1] ?? renderPlainError;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });

  // The no-op route comes first so that it runs no middleware at all: it is the benchmark's baseline.
  app.get("/healthz", (c) => c.text("ok"));

  app.use("*", requestId());
  app.use("*", async (c, next) => {
    await next();
    // Our responses can carry secrets shown once; no cache may keep them. (The origin's, in gateway mode, are its own.)
    if (isOwnPath(c.req.path) && !c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "edgekeys",
      version: "0.1.0",
      description:
        "API keys and service tokens at the edge, speaking Braintrust's `/v1` API-key and service-token API and Cloudflare Access's service-token API, and authenticating callers as Cloudflare Access does for service tokens. Every `/accounts/...` path is also served under `/client/v4/accounts/...`, where Cloudflare's SDK sends it.",
    },
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "API key (sk-...) or service token (bt-st-...)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "api_token", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "api_email", { type: "apiKey", in: "header", name: "X-Auth-Email" });
  app.openAPIRegistry.registerComponent("securitySchemes", "api_key", { type: "apiKey", in: "header", name: "X-Auth-Key" });
  app.openAPIRegistry.registerComponent("securitySchemes", "accessClientId", { type: "apiKey", in: "header", name: "CF-Access-Client-Id" });
  app.openAPIRegistry.registerComponent("securitySchemes", "accessClientSecret", {
    type: "apiKey",
    in: "header",
    name: "CF-Access-Client-Secret",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
    type: "http",
    scheme: "bearer",
    description: "The ADMIN_TOKEN secret",
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: "edgekeys API" }));

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new DomainError("payload_too_large", `Request body larger than ${MAX_BODY_BYTES} bytes`);
    },
  });
  // Gateway traffic is the origin's business, whatever its size.
  app.use("*", (c, next) => (isOwnPath(c.req.path) ? limitBody(c, next) : next()));
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allow) =>
        rendererFor(c)(c, new DomainError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}`, { allow })),
    }),
  );
  // Only the routes that need storage build services (a missing TOKEN_PEPPER must not break /docs or 404s).
  const withServices = createMiddleware<AppEnv>(async (c, next) => {
    const audit = new AuditContext(c.get("requestId"), clientIp(c));
    const defer = (work: Promise<unknown>) => afterResponse(c, work);
    if (c.env.BENCH_METRICS !== "1") {
      c.set("services", servicesFor(c.env, audit, defer));
      return next();
    }
    const counts = newCounts();
    const start = performance.now();
    c.set("services", servicesFor(instrumented(c.env, counts), audit, defer));
    await next();
    for (const [name, value] of Object.entries(metricsHeaders(counts, performance.now() - start))) c.header(name, value);
  });
  for (const prefix of SURFACE_PREFIXES) app.use(`${prefix}/*`, withServices);

  app.route("/v1", braintrustRouter());
  app.route("/admin", adminRouter());
  app.route("/", cloudflareRouter());
  // The same routes under the SDK's base path; a plain Hono wrapper keeps them out of the
  // OpenAPI document, whose operation ids must be unique.
  app.route("/client/v4", new Hono<AppEnv>().route("/", cloudflareRouter()));
  app.route("/", serviceAuthRouter());
  app.all(CEILING_PATH, ceiling); // BENCH_METRICS=1 only; not in the OpenAPI document
  // Last: everything else is the origin's in gateway mode, and unknown otherwise.
  app.all("*", gateway);

  app.notFound((c) =>
    rendererFor(c)(c, new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`, { reason: "no_route" })),
  );
  app.onError((err, c) => rendererFor(c)(c, toDomainError(c, err)));
  return app;
}
