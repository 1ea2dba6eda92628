import { exports } from "cloudflare:workers";
import { expect, inject, it } from "vitest";
import { cf } from "../../helpers/cloudflare";
import { callWithEnv } from "../../helpers/http";
import { clientHeaders, identity, orgWithToken } from "../../helpers/service-auth";
import { updateCredentialRow } from "../../helpers/homes";

it("shuts get-identity, the gateway and the RPC entrypoint at once on disable, expiry and delete", async () => {
  const o = await orgWithToken();
  const headers = clientHeaders(o.token.client_id, o.token.client_secret);
  const gatewayEnv = { ORIGIN_URL: inject("originUrl"), GATEWAY_ACCOUNT_ID: o.org.account_id };
  const statuses = async () => {
    const rpc = await exports.AuthService.verify(headers);
    return [
      (await identity(headers)).status,
      (await callWithEnv(gatewayEnv, "GET", "/protected", { headers })).status,
      rpc.ok ? 200 : rpc.status,
    ];
  };
  expect(await statuses()).toEqual([200, 200, 200]);

  await cf("PUT", `${o.base}/${o.token.id}`, { token: o.key, body: { enabled: false } });
  expect(await statuses()).toEqual([403, 403, 403]);
  await cf("PUT", `${o.base}/${o.token.id}`, { token: o.key, body: { enabled: true } });
  expect(await statuses()).toEqual([200, 200, 200]);

  await updateCredentialRow(o.token.id, { expires_at: Date.now() - 1 });
  expect(await statuses()).toEqual([403, 403, 403]);
  await cf("POST", `${o.base}/${o.token.id}/refresh`, { token: o.key });
  expect(await statuses()).toEqual([200, 200, 200]);

  await cf("DELETE", `${o.base}/${o.token.id}`, { token: o.key });
  expect(await statuses()).toEqual([401, 401, 401]);
});
