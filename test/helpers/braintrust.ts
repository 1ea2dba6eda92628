/** Braintrust-surface helpers shared by the integration tests. */
import { expect } from "vitest";
import { bootstrap, call, unique } from "./http";

export interface AddedUser {
  id: string;
  email: string | null;
  api_key: string | null;
  token_name: string | null;
}

/** Creates a service account through PATCH /v1/organization/members and returns it (with its token if asked). */
export async function createServiceAccount(
  ownerKey: string,
  opts: { name?: string; token_name?: string; group_names?: string[]; org_name?: string } = {},
): Promise<AddedUser> {
  const res = await call("PATCH", "/v1/organization/members", {
    token: ownerKey,
    body: {
      invite_users: {
        service_accounts: [{ name: opts.name ?? "robot", token_name: opts.token_name }],
        group_names: opts.group_names,
      },
      org_name: opts.org_name,
    },
  });
  expect(res.status, res.text).toBe(200);
  return res.body.added_users.at(-1);
}

/** Status of an authenticated request made with `key`: 200 while it works, 401 once it does not. */
export const authStatus = async (key: string) => (await call("GET", "/v1/api_key", { token: key })).status;

/** An owner with a service account, and a member of the same org. */
export async function orgWithServiceAccount() {
  const owner = await bootstrap();
  const account = await createServiceAccount(owner.api_key.key, { name: "robot" });
  const member = await bootstrap({ email: `${unique("member")}@example.com` });
  await call("PATCH", "/v1/organization/members", { token: owner.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
  return { owner, ownerKey: owner.api_key.key, account, memberKey: member.api_key.key, orgName: owner.org.name };
}

/** POST /v1/service_token (create), or with `method` "PUT" (create or replace by name). */
export const sendServiceToken = (token: string, body: Record<string, unknown>, method = "POST") =>
  call(method, "/v1/service_token", { token, body });
