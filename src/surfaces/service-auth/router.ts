/**
 * The data plane under `/cdn-cgi/access`, named as Cloudflare Access names it:
 * the signing keys, and the identity of an authenticated caller.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { accountAudience } from "../../auth/identity-jwt";
import { describeIdentity } from "../../auth/service-auth";
import type { AppEnv } from "../../http/app-env";
import { throwOnInvalid } from "../../http/validation";
import { ErrorSchema, renderPlainError } from "../../http/errors";
import type { Surface } from "../surface";
import { withPermissions } from "../shared/route-permissions";
import { gateway } from "./gateway";
import { requireServiceAuth } from "./authenticate";
import type { RouteRequest, RouteResponse } from "../../http/route-types";
import { CREDENTIAL_KIND_NAMES } from "../../core/shared/kinds";

const JwkSchema = z.record(z.string(), z.unknown()).openapi("Jwk");

const CertSchema = z.object({ kid: z.string(), cert: z.string().openapi({ description: "PEM X.509 certificate of the key" }) });

const CertsSchema = z
  .object({
    keys: z.array(JwkSchema),
    public_cert: CertSchema.optional().openapi({
      description: "The current key's certificate (when JWT_CERTIFICATE is set), as Access publishes it",
    }),
    public_certs: z.array(CertSchema).optional().openapi({ description: "Every published key's certificate" }),
  })
  .openapi("AccessCerts");

const IdentitySchema = z
  .object({
    id: z.string().openapi({ description: "The credential's id (the JWT's sub)" }),
    credential_kind: z.enum(CREDENTIAL_KIND_NAMES),
    name: z.string(),
    common_name: z.string().openapi({ description: "The client id of an Access service token, else the credential id" }),
    client_id: z.string().nullable(),
    account_id: z.string().openapi({ description: "The org as a 32-hex account id" }),
    org_id: z.uuid(),
    principal: z
      .object({ id: z.string(), kind: z.enum(["user", "service_account"]), email: z.string() })
      .nullable()
      .openapi({ description: "The owner of an API key or Braintrust service token" }),
    used_previous_secret: z.boolean().openapi({ description: "An Access token's previous secret, in its grace period, was used" }),
  })
  .openapi("Identity");

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

export const certsRoute = createRoute({
  method: "get",
  path: "/cdn-cgi/access/certs",
  operationId: "getAccessCerts",
  tags: ["Service auth"],
  summary: "Public keys of identity assertions (JWKS)",
  description: "Verify `Cf-Access-Jwt-Assertion` JWTs with these keys; select by `kid`. During a key rotation both keys are listed.",
  responses: {
    200: { description: "A JSON Web Key Set", content: { "application/json": { schema: CertsSchema } } },
    500: error("No signing key configured"),
  },
});

export type CertsRequest = RouteRequest<typeof certsRoute>;
export type CertsResponse = RouteResponse<typeof certsRoute>;

export const getIdentityRoute = createRoute({
  method: "get",
  path: "/cdn-cgi/access/get-identity",
  operationId: "getAccessIdentity",
  tags: ["Service auth"],
  summary: "Authenticate and describe the caller",
  description:
    "Authenticates `CF-Access-Client-Id` + `CF-Access-Client-Secret` (or the configured JSON header, or `Authorization: Bearer <API key or service token>`) and answers the identity, with a signed assertion in the `Cf-Access-Jwt-Assertion` header whose audience is `edgekeys:account:<account_id>` (never the gateway's). 401 when no valid credential was presented; 403 when a proven credential is disabled or expired.",
  security: [{ accessClientId: [], accessClientSecret: [] }, { bearerAuth: [] }],
  middleware: [requireServiceAuth] as const,
  responses: {
    200: {
      description: "The identity",
      headers: { "Cf-Access-Jwt-Assertion": { schema: { type: "string" }, description: "The signed identity (JWT)" } },
      content: { "application/json": { schema: IdentitySchema } },
    },
    401: error("Missing, malformed or invalid credentials"),
    403: error("The credential is disabled or expired"),
    500: error("No signing key configured"),
  },
});

export type GetIdentityRequest = RouteRequest<typeof getIdentityRoute>;
export type GetIdentityResponse = RouteResponse<typeof getIdentityRoute>;

export function serviceAuthRouter() {
  const app = withPermissions(new OpenAPIHono<AppEnv>({ defaultHook: throwOnInvalid }));
  app.openapi(certsRoute, (c) => c.json(c.var.services.signer().jwks(), 200, { "Cache-Control": "public, max-age=300" }));
  app.openapi(getIdentityRoute, async (c) => {
    const jwt = await c.var.services.signer().sign(c.var.identity, accountAudience(c.var.identity.orgId));
    return c.json(describeIdentity(c.var.identity), 200, { "Cf-Access-Jwt-Assertion": jwt });
  });
  return app;
}

/** `/cdn-cgi`, and in gateway mode every path no surface owns. */
export const serviceAuthSurface: Surface = {
  prefixes: ["/cdn-cgi"],
  mount: (app) => app.route("/", serviceAuthRouter()),
  renderError: renderPlainError,
  fallback: gateway,
};
