/** What POST and PUT /v1/service_token share: checks and the answer; they differ only in create vs replace. */
import type { Context } from "hono";
import type { z } from "@hono/zod-openapi";
import { expiryFrom } from "../../../core/credentials/credentials";
import type { AppEnv } from "../../../http/app-env";
import type { CreateServiceTokenBody } from "../schemas";
import { serviceTokenToWire } from "../wire";
import { policyInput } from "../../shared/policy";

export async function issueServiceToken(c: Context<AppEnv>, body: z.infer<typeof CreateServiceTokenBody>, mode: "create" | "replace") {
  const { caller, services } = c.var;
  const { org, role } = await services.orgs.resolve(caller, body.org_name);
  const account = await services.orgs.serviceAccount(org.id, body.service_account_id);
  const input = {
    kind: "service_token",
    orgId: org.id,
    principalId: account.id,
    name: body.name,
    expiresAt: expiryFrom(body.expires_at, Date.now()),
    policy: policyInput(body),
    grantedBy: caller.credential.policy,
  } as const;
  const issued = mode === "create" ? await services.credentials.issue(input, role) : await services.credentials.replaceByName(input, role);
  return { ...serviceTokenToWire({ credential: issued.credential, owner: account }), key: issued.token };
}
