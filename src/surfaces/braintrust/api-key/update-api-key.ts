import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { ApiKeySchema, errorResponses, NameSchema } from "../schemas";
import { apiKeyToWire } from "../wire";
import { ApiKeyIdParams } from "./get-api-key";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";
import { PolicyInputFields, policyInput } from "../../shared/policy";

const UpdateApiKeyBody = z.object({ name: NameSchema.optional(), ...PolicyInputFields }).openapi("UpdateApiKey");

export const updateApiKeyRoute = createRoute({
  method: "patch",
  path: "/api_key/{api_key_id}",
  operationId: "patchApiKeyId",
  tags: ["ApiKeys"],
  summary: "Update api_key (edgekeys extension)",
  description:
    "Rename one of the calling user's api_keys, or change its permissions, IP allowlist, rate limit or credits (absent fields stay, null clears). Felt by the key's next request. Braintrust has no such operation",
  security: [{ bearerAuth: [] }],
  request: { params: ApiKeyIdParams, body: { required: true, content: { "application/json": { schema: UpdateApiKeyBody } } } },
  responses: {
    200: { description: "Returns the updated api_key object", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses,
  },
});

export type UpdateApiKeyRequest = RouteRequest<typeof updateApiKeyRoute>;
export type UpdateApiKeyResponse = RouteResponse<typeof updateApiKeyRoute>;

export const registerUpdateApiKey = (app: BraintrustApp) =>
  app.openapi(updateApiKeyRoute, async (c) => {
    const { api_key_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { caller, services } = c.var;
    // One's own keys only (any role): the scope is the owner, as for get and delete.
    const updated = await services.credentials.update(
      { id: api_key_id, kind: "api_key", principalId: caller.principal.id },
      { role: caller.role, policy: caller.credential.policy },
      { name: body.name, policy: policyInput(body) },
    );
    return c.json(apiKeyToWire(updated), 200);
  });
