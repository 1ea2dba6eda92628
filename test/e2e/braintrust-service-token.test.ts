/** Service accounts and tokens through Braintrust's official client, against the Worker on loopback. */
import Braintrust from "@braintrust/api";
import { ListObjects } from "@braintrust/api/pagination";
import { expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";

interface ServiceToken {
  id: string;
  name: string;
  service_account_id: string | null;
  key?: string;
}

const clientFor = (apiKey: string) => new Braintrust({ apiKey, baseURL: baseUrl(), maxRetries: 0 });

it("creates a service account and token, authenticates with it, replaces it by name, lists and deletes", async () => {
  const b = await bootstrap();
  const owner = clientFor(b.api_key.key);

  const patched = await owner.patch<unknown, { status: string; added_users: { id: string; api_key: string | null }[] }>(
    "/v1/organization/members",
    { body: { invite_users: { service_accounts: [{ name: "deployer" }] } } },
  );
  expect(patched.status).toBe("success");
  const accountId = patched.added_users[0]!.id;

  const first = await owner.put<unknown, ServiceToken>("/v1/service_token", {
    body: { name: "deploy", service_account_id: accountId },
  });
  expect(first.key).toMatch(/^bt-st-/);
  // the service token works as Bearer anywhere an API key does
  const asRobot = clientFor(first.key!);
  const own = await asRobot.get<unknown, { objects: unknown[] }>("/v1/api_key");
  expect(own.objects).toEqual([]);

  const second = await owner.put<unknown, ServiceToken>("/v1/service_token", {
    body: { name: "deploy", service_account_id: accountId },
  });
  expect(second.id).not.toBe(first.id);
  await expect(asRobot.get("/v1/api_key")).rejects.toBeInstanceOf(Braintrust.AuthenticationError);
  await clientFor(second.key!).get("/v1/api_key");

  for (let i = 0; i < 4; i++) {
    await owner.post("/v1/service_token", { body: { name: `extra-${i}`, service_account_id: accountId } });
  }
  const listed: string[] = [];
  for await (const t of owner.getAPIList<ServiceToken, ListObjects<ServiceToken>>("/v1/service_token", ListObjects, {
    query: { limit: 2 },
  })) {
    listed.push(t.name);
  }
  expect(listed).toEqual(["extra-3", "extra-2", "extra-1", "extra-0", "deploy"]);

  const deleted = await owner.delete<unknown, ServiceToken>(`/v1/service_token/${second.id}`);
  expect(deleted.id).toBe(second.id);
  await expect(clientFor(second.key!).get("/v1/api_key")).rejects.toBeInstanceOf(Braintrust.AuthenticationError);
  await expect(owner.get(`/v1/service_token/${second.id}`)).rejects.toBeInstanceOf(Braintrust.NotFoundError);
});
