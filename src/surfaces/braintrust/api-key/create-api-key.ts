import { createRoute, z } from "@hono/zod-openapi";
import { expiryFrom } from "../../../core/credentials/credentials";
import type { BraintrustApp } from "../app-type";
import { CreateApiKeyOutputSchema, errorResponses, ExpiresAtSchema, NameSchema, OrgNameSchema } from "../schemas";
import { apiKeyToWire } from "../wire";
import { PolicyInputFields, policyInput } from "../../shared/policy";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";

const CreateApiKeyBody = z
  .object({
    name: NameSchema.openapi({ description: "Name of the api key. Does not have to be unique" }),
    org_name: OrgNameSchema,
    expires_at: ExpiresAtSchema,
    ...PolicyInputFields,
  })
  .openapi("CreateApiKey");

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/api_key",
  operationId: "postApiKey",
  tags: ["ApiKeys"],
  summary: "Create api_key",
  description:
    "Create a new api_key for the calling user. It is possible to have multiple API keys with the same name. There is no de-duplication",
  security: [{ bearerAuth: [] }],
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } } },
  responses: {
    200: {
      description: "Returns an object containing the raw API key. This is the only time the raw API key will be exposed",
      content: { "application/json": { schema: CreateApiKeyOutputSchema } },
    },
    ...errorResponses,
  },
});

export type CreateApiKeyRequest = RouteRequest<typeof createApiKeyRoute>;
export type CreateApiKeyResponse = RouteResponse<typeof createApiKeyRoute>;

export const registerCreateApiKey = (app: BraintrustApp) =>
  app.openapi(createApiKeyRoute, async (c) => {
    const body = c.req.valid("json");
    const { caller, services } = c.var;
    const { org, role } = await services.orgs.resolve(caller, body.org_name);
    const input = {
      kind: "api_key",
      orgId: org.id,
      principalId: caller.principal.id,
      name: body.name,
      expiresAt: expiryFrom(body.expires_at, Date.now()),
      policy: policyInput(body),
      grantedBy: caller.credential.policy,
    } as const;
    const issued = await services.credentials.issue(input, role);
    return c.json({ ...apiKeyToWire({ credential: issued.credential, owner: caller.principal }), key: issued.token }, 200);
  });
