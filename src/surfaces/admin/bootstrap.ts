import { createRoute, z } from "@hono/zod-openapi";
import { hexToUuid, uuidToHex } from "../../core/shared/ids";
import { ErrorSchema } from "../../http/errors";
import { plainText } from "../../http/text";
import { apiKeyToWire, CreateApiKeyOutputSchema, NameSchema } from "../shared/api-key";
import type { AdminApp } from "./app-type";
import type { RouteRequest, RouteResponse } from "../../http/route-types";

const BootstrapBody = z
  .object({
    org_name: NameSchema.openapi({ description: "Name of the org; created when missing" }),
    email: z.email().max(320).openapi({ description: "The owner's email; the user is created when missing" }),
    given_name: plainText(z.string().max(256)).nullish(),
    family_name: plainText(z.string().max(256)).nullish(),
    account_id: z
      .string()
      .regex(/^[0-9a-f]{32}$/, "must be 32 lower-case hex characters")
      .nullish()
      .openapi({
        description:
          "The org's account id, when the configuration names it before the org exists (an ORIGINS entry's account_id, GATEWAY_ACCOUNT_ID). The org is created with it, or must already have it: 409 when the name and the id name different orgs",
      }),
  })
  .openapi("BootstrapRequest");

const BootstrapOutput = z
  .object({
    org: z.object({
      id: z.uuid(),
      name: z.string(),
      account_id: z.string().openapi({ description: "The org id as 32 hex characters (the Cloudflare account id)" }),
    }),
    user: z.object({
      id: z.uuid(),
      email: z.string(),
      given_name: z.string().nullable(),
      family_name: z.string().nullable(),
    }),
    api_key: CreateApiKeyOutputSchema,
  })
  .openapi("BootstrapOutput");

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });

export const bootstrapRoute = createRoute({
  method: "post",
  path: "/bootstrap",
  operationId: "adminBootstrap",
  tags: ["Admin"],
  summary: "Bootstrap an org, its owner and a first API key",
  description:
    "Creates the org and the user when missing, makes the user an owner of the org, and issues a new API key for the user. Idempotent in the org and user; every call issues another key. Needs `Authorization: Bearer <ADMIN_TOKEN>`; without ADMIN_TOKEN configured the route does not exist.",
  security: [{ adminToken: [] }],
  request: { body: { required: true, content: { "application/json": { schema: BootstrapBody } } } },
  responses: {
    200: { description: "The org, the user and the new key", content: { "application/json": { schema: BootstrapOutput } } },
    400: error("Invalid body"),
    409: error("org_name and account_id name different orgs"),
    401: error("Missing or wrong admin token"),
    404: error("Admin routes are disabled (no ADMIN_TOKEN)"),
    413: error("Body too large"),
  },
});

export type BootstrapRequest = RouteRequest<typeof bootstrapRoute>;
export type BootstrapResponse = RouteResponse<typeof bootstrapRoute>;

export const registerBootstrap = (app: AdminApp) =>
  app.openapi(bootstrapRoute, async (c) => {
    const body = c.req.valid("json");
    const { org, user, issued } = await c.var.services.orgs.bootstrap({
      orgName: body.org_name,
      orgId: body.account_id ? hexToUuid(body.account_id) : null,
      email: body.email,
      givenName: body.given_name ?? null,
      familyName: body.family_name ?? null,
    });
    return c.json(
      {
        org: { id: org.id, name: org.name, account_id: uuidToHex(org.id) },
        user: { id: user.id, email: user.email, given_name: user.givenName, family_name: user.familyName },
        api_key: { ...apiKeyToWire({ credential: issued.credential, owner: user }), key: issued.token },
      },
      200,
    );
  });
