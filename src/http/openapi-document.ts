/**
 * The OpenAPI document: its description and security schemes, and its generation from the app's
 * routes (their zod schemas, operation ids and `x-required-permission`) by
 * `@asteasolutions/zod-to-openapi`. This runs in Node, never in the Worker, whose bundle carries no
 * generator (src/zod-trim/zod-to-openapi.ts): `test/unit/openapi-document.test.ts` generates the
 * document from `createApp()` and keeps `public/docs-assets/openapi.json` equal to it
 * (`npm run openapi` rewrites it), and `/openapi.json` serves that file (`openapi-route.ts`).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";

const SECURITY_SCHEMES = {
  bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "API key (sk-...) or service token (bt-st-...)" },
  api_token: { type: "http", scheme: "bearer" },
  api_email: { type: "apiKey", in: "header", name: "X-Auth-Email" },
  api_key: { type: "apiKey", in: "header", name: "X-Auth-Key" },
  accessClientId: { type: "apiKey", in: "header", name: "CF-Access-Client-Id" },
  accessClientSecret: { type: "apiKey", in: "header", name: "CF-Access-Client-Secret" },
  adminToken: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret" },
} as const;

/** The document of `app`'s routes, without `servers` (the Worker names the origin it is fetched from). */
export function openApiDocumentOf(app: OpenAPIHono<AppEnv>) {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent("securitySchemes", name, scheme);
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "edgekeys",
      version: "0.1.0",
      description:
        "API keys and service tokens at the edge, speaking Braintrust's `/v1` API-key and service-token API and Cloudflare Access's service-token API, and authenticating callers as Cloudflare Access does for service tokens. Every `/accounts/...` path is also served under `/client/v4/accounts/...`, where Cloudflare's SDK sends it.",
    },
  });
}
