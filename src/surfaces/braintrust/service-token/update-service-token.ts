import { createRoute, z } from "@hono/zod-openapi";
import type { BraintrustApp } from "../app-type";
import { errorResponses, NameSchema, ServiceTokenSchema } from "../schemas";
import { serviceTokenToWire } from "../wire";
import { ServiceTokenIdParams } from "./get-service-token";
import type { RouteRequest, RouteResponse } from "../../../http/route-types";
import { PolicyInputFields, policyInput } from "../../shared/policy";

const UpdateServiceTokenBody = z.object({ name: NameSchema.optional(), ...PolicyInputFields }).openapi("UpdateServiceToken");

export const updateServiceTokenRoute = createRoute({
  method: "patch",
  path: "/service_token/{service_token_id}",
  operationId: "patchServiceTokenId",
  tags: ["ServiceTokens"],
  summary: "Update service_token (edgekeys extension)",
  description:
    "Rename a service_token, or change its permissions, IP allowlist, rate limit or credits (absent fields stay, null clears). Felt by the token's next request. Needs an org owner's credential. Braintrust has no such operation",
  security: [{ bearerAuth: [] }],
  request: { params: ServiceTokenIdParams, body: { required: true, content: { "application/json": { schema: UpdateServiceTokenBody } } } },
  responses: {
    200: { description: "Returns the updated service_token object", content: { "application/json": { schema: ServiceTokenSchema } } },
    ...errorResponses,
  },
});

export type UpdateServiceTokenRequest = RouteRequest<typeof updateServiceTokenRoute>;
export type UpdateServiceTokenResponse = RouteResponse<typeof updateServiceTokenRoute>;

export const registerUpdateServiceToken = (app: BraintrustApp) =>
  app.openapi(updateServiceTokenRoute, async (c) => {
    const { service_token_id: id } = c.req.valid("param");
    const body = c.req.valid("json");
    const { caller, services } = c.var;
    // As delete: any token of one of the caller's orgs, changed only by an owner of that org.
    const found = await services.credentials.get({ id, kind: "service_token", visibleTo: caller.principal.id });
    const role = (await services.orgs.roleIn(caller, found.credential.orgId)) ?? "member";
    const updated = await services.credentials.update(
      { id, kind: "service_token", orgId: found.credential.orgId },
      { role, policy: caller.credential.policy },
      { name: body.name, policy: policyInput(body) },
    );
    return c.json(serviceTokenToWire(updated), 200);
  });
