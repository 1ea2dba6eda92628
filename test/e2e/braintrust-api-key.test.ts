/** `/v1/api_key` driven by Braintrust's official generated client, against the Worker on loopback. */
import Braintrust from "@braintrust/api";
import { ListObjects } from "@braintrust/api/pagination";
import { describe, expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";

interface ApiKey {
  id: string;
  name: string;
  preview_name: string;
  org_id: string | null;
  user_id: string | null;
  created: string | null;
}
interface CreateApiKeyOutput extends ApiKey {
  key: string;
}

const clientFor = (apiKey: string) => new Braintrust({ apiKey, baseURL: baseUrl(), maxRetries: 0 });

describe("Braintrust client against /v1/api_key", () => {
  it("creates, lists every page, gets and deletes keys", async () => {
    const b = await bootstrap();
    const client = clientFor(b.api_key.key);

    const created: CreateApiKeyOutput[] = [];
    for (let i = 0; i < 7; i++) {
      created.push(await client.post<unknown, CreateApiKeyOutput>("/v1/api_key", { body: { name: `e2e-${i}` } }));
    }
    expect(created[0]!.key).toMatch(/^sk-/);
    expect(created[0]!.org_id).toBe(b.org.id);

    // auto-pagination: the client follows starting_after until an empty page
    const seen: string[] = [];
    for await (const key of client.getAPIList<ApiKey, ListObjects<ApiKey>>("/v1/api_key", ListObjects, { query: { limit: 3 } })) {
      seen.push(key.id);
    }
    expect(seen).toEqual([...created.map((k) => k.id)].reverse().concat(b.api_key.id));

    // ids in the generated client's comma-joined encoding
    const some = await client.get<unknown, { objects: ApiKey[] }>("/v1/api_key", {
      query: { ids: [created[1]!.id, created[4]!.id] },
    });
    expect(some.objects.map((k) => k.id).sort()).toEqual([created[1]!.id, created[4]!.id].sort());

    const got = await client.get<unknown, ApiKey>(`/v1/api_key/${created[2]!.id}`);
    expect(got).toMatchObject({ id: created[2]!.id, name: "e2e-2", preview_name: created[2]!.preview_name });

    const deleted = await client.delete<unknown, ApiKey>(`/v1/api_key/${created[2]!.id}`);
    expect(deleted.id).toBe(created[2]!.id);
    await expect(client.get(`/v1/api_key/${created[2]!.id}`)).rejects.toBeInstanceOf(Braintrust.NotFoundError);
    // the deleted key no longer authenticates
    await expect(clientFor(created[2]!.key).get("/v1/api_key")).rejects.toBeInstanceOf(Braintrust.AuthenticationError);
  });

  it("surfaces validation errors with the field in the message", async () => {
    const b = await bootstrap();
    const err = await clientFor(b.api_key.key)
      .post("/v1/api_key", { body: { name: 42 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Braintrust.BadRequestError);
    expect((err as Error).message).toContain("name");
  });

  it("refuses a made-up key", async () => {
    const err = await clientFor("sk-not-a-real-key")
      .get("/v1/api_key")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Braintrust.AuthenticationError);
  });
});
