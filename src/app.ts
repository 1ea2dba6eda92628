/**
 * The Worker's HTTP application: shared middleware, the surfaces mounted at
 * their prefixes, the OpenAPI document (generated from their routes outside the
 * Worker: http/openapi-document.ts), and the single place where a thrown
 * error or an unmatched route becomes a response in the right surface's format.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { AuditContext } from "./core/shared/audit-events";
import { DomainError } from "./core/shared/errors";
import type { AppEnv } from "./http/app-env";
import { type ErrorRenderer, renderPlainError, toDomainError } from "./http/errors";
import { CEILING_PATH, ceiling } from "./bench/ceiling-route";
import { USAGE_METER_PATH, usageMeterRoute } from "./bench/usage-meter-route";
import { clientIp } from "./http/client-ip";
import { DOCS_ASSETS, docsPage } from "./http/docs-page";
import { openApiRoute } from "./http/openapi-route";
import { instrumented, metricsHeaders, newCounts } from "./bench/metrics";
import { throwOnInvalid } from "./http/validation";
import { configOf } from "./config";
import { dispatchDue } from "./lifecycle/dispatch";
import { servicesFor } from "./services";
import { adminSurface } from "./surfaces/admin/router";
import { braintrustSurface } from "./surfaces/braintrust/router";
import { cloudflareSurface } from "./surfaces/cloudflare/router";
import { leakSurface } from "./surfaces/github/router";
import { isGatewayHost, isServedHost } from "./surfaces/service-auth/gateway";
import { serviceAuthSurface } from "./surfaces/service-auth/router";
import { surfaceOf } from "./surfaces/surface";

/** Largest request body accepted anywhere; every request we serve is far smaller. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The surfaces, mounted in this order; a path's surface is found by its prefix. */
const SURFACES = [braintrustSurface, adminSurface, cloudflareSurface, leakSurface, serviceAuthSurface] as const;

/** The app's own paths outside every surface. */
const APP_PATHS = new Set(["/healthz", "/openapi.json", "/docs"]);

/** Paths edgekeys answers itself: in gateway mode they never reach the origin. */
export const isOwnPath = (path: string) =>
  APP_PATHS.has(path) || path.startsWith(`${DOCS_ASSETS}/`) || surfaceOf(SURFACES, path) !== undefined;

/** Which error format a request speaks: its path's surface's; plain JSON outside every surface and on gateway hosts. */
const rendererFor = (c: Context<AppEnv>): ErrorRenderer =>
  (!isGatewayHost(c) && surfaceOf(SURFACES, c.req.path)?.renderError) || renderPlainError;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid });

  // The no-op route comes first so that it runs no middleware at all: it is the benchmark's baseline.
  app.get("/healthz", (c, next) => (isGatewayHost(c) ? next() : c.text("ok")));

  app.use("*", requestId());
  // Only the routes that need storage build services (a missing TOKEN_PEPPER must not break /docs or 404s).
  const withServices = createMiddleware<AppEnv>(async (c, next) => {
    const audit = new AuditContext(c.get("requestId"), clientIp(c));
    // A write may have put lifecycle events in the outbox (migration 0008): they go to the queue after the response.
    const dispatch = () => {
      if (!c.env.WEBHOOK_QUEUE) return;
      // The writer's own org first: another org's backlog never delays what this write raised.
      for (const orgId of audit.orgs)
        c.executionCtx.waitUntil(
          dispatchDue(c.env, Date.now(), 100, orgId || undefined).catch((err) => console.error(`webhook dispatch: ${String(err)}`)),
        );
    };
    if (!configOf(c.env).benchMetrics) {
      c.set("services", servicesFor(c.env, audit));
      await next();
      return dispatch();
    }
    const counts = newCounts();
    const start = performance.now();
    c.set("services", servicesFor(instrumented(c.env, counts), audit));
    await next();
    for (const [name, value] of Object.entries(metricsHeaders(counts, performance.now() - start))) c.header(name, value);
    dispatch();
  });
  // The fallback (the gateway in gateway mode) with the services the surfaces get.
  const fallback = SURFACES.find((s) => s.fallback)?.fallback;
  const serveFallback = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    await withServices(c, async () => {
      c.res = await fallback!(c, next);
    });
    return c.res;
  };
  // Hosts named in ORIGINS are wholly the gateway's: no path there reaches edgekeys' own routes.
  app.use("*", (c, next) => (fallback && isGatewayHost(c) ? serveFallback(c, next) : next()));
  app.use("*", async (c, next) => {
    await next();
    // Our responses can carry secrets shown once; no cache may keep them. (The origin's, in gateway mode, are its own.)
    if (isOwnPath(c.req.path) && !c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });

  app.get("/openapi.json", openApiRoute);
  app.get("/docs", docsPage);

  const limitBody = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new DomainError("payload_too_large", `Request body larger than ${maxSize} bytes`);
      },
    });
  const defaultLimit = limitBody(MAX_BODY_BYTES);
  const surfaceLimits = new Map(SURFACES.flatMap((s) => (s.maxBodyBytes ? [[s, limitBody(s.maxBodyBytes)] as const] : [])));
  // Gateway traffic is the origin's business, whatever its size.
  app.use("*", (c, next) =>
    isOwnPath(c.req.path) ? (surfaceLimits.get(surfaceOf(SURFACES, c.req.path)!) ?? defaultLimit)(c, next) : next(),
  );
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, allow) =>
        rendererFor(c)(c, new DomainError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}`, { allow })),
    }),
  );
  for (const surface of SURFACES) for (const prefix of surface.prefixes) app.use(`${prefix}/*`, withServices);
  for (const surface of SURFACES) surface.mount(app);
  app.all(CEILING_PATH, ceiling); // BENCH_METRICS=1 only; not in the OpenAPI document
  app.all(USAGE_METER_PATH, usageMeterRoute); // likewise
  // The root leads to the console (static files, public/console.html), unless it is an origin's (a host the gateway serves).
  app.get("/", (c, next) => (isServedHost(c) ? next() : c.redirect("/console", 302)));
  // Last: paths no surface owns go to the fallback (the gateway in gateway mode), and are unknown otherwise.
  app.all("*", (c, next) => (fallback && !isOwnPath(c.req.path) ? serveFallback(c, next) : c.notFound()));

  app.notFound((c) =>
    rendererFor(c)(c, new DomainError("not_found", `No route for ${c.req.method} ${c.req.path}`, { reason: "no_route" })),
  );
  app.onError((err, c) => rendererFor(c)(c, toDomainError(c, err)));
  return app;
}
