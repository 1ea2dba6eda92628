/**
 * Leak response against the Worker started for real: GitHub's secret scanning
 * protocol as GitHub speaks it (GitHub's key published on the key endpoint the
 * shared Worker is configured with, test/setup/e2e-worker.ts; reports signed with
 * Node's own ECDSA in ASN.1 DER), keys made and used with the official clients.
 * A reported key stops working at the very next request; its owner sees why.
 */
import { createSign, generateKeyPairSync } from "node:crypto";
import Braintrust from "@braintrust/api";
import Cloudflare from "cloudflare";
import { beforeAll, expect, inject, it } from "vitest";
import { ADMIN_TOKEN } from "../setup/e2e-worker";

const worker = { baseUrl: inject("baseUrl") };
const keysUrl = inject("githubKeysUrl");
const github = generateKeyPairSync("ec", { namedCurve: "P-256" });
const keyId = "e2e0000000000000000000000000000000000000000000000000000000000001";

/** How many times the Worker fetched GitHub's keys. */
const keyFetches = async () => ((await (await fetch(`${keysUrl}/hits`)).json()) as { hits: number }).hits;

beforeAll(async () => {
  const key = github.publicKey.export({ type: "spki", format: "pem" });
  const published = await fetch(keysUrl, {
    method: "PUT",
    body: JSON.stringify({ public_keys: [{ key_identifier: keyId, key, is_current: true }] }),
  });
  expect(published.status).toBe(204);
});

/** Posts a report as GitHub does: the raw body, signed (DER, base64) by GitHub's key. */
async function reportToWorker(matches: { token: string; type: string; url: string; source: string }[]) {
  const body = JSON.stringify(matches);
  const signature = createSign("SHA256").update(body).sign(github.privateKey, "base64");
  const res = await fetch(`${worker.baseUrl}/secret-scanning/github`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Github-Public-Key-Identifier": keyId, "Github-Public-Key-Signature": signature },
    body,
  });
  return { status: res.status, body: (await res.json()) as { token_raw: string; token_type: string; label: string }[] };
}

it("stops a reported API key and Access secret within the request, and anyone holding a secret can revoke it", async () => {
  const boot = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: "leaks-e2e", email: "leaks@example.com" }),
  }).then((r) => r.json() as Promise<{ org: { account_id: string }; api_key: { key: string } }>);
  const owner = new Braintrust({ apiKey: boot.api_key.key, baseURL: worker.baseUrl, maxRetries: 0 });
  const createKey = (name: string) => owner.post<unknown, { key: string; name: string }>("/v1/api_key", { body: { name } });
  const listKeys = (client: Braintrust) => client.get<unknown, { objects: { name: string }[] }>("/v1/api_key");
  const leaked = await createKey("committed-to-a-repo");
  const cf = new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: boot.api_key.key, maxRetries: 0 });
  const token = await cf.zeroTrust.access.serviceTokens.create({ account_id: boot.org.account_id, name: "ci" });
  expect(token.client_secret).toMatch(/^ekcs_[0-9A-Za-z]{61}$/);
  const asToken = () =>
    fetch(`${worker.baseUrl}/cdn-cgi/access/get-identity`, {
      headers: { "CF-Access-Client-Id": token.client_id!, "CF-Access-Client-Secret": token.client_secret! },
    });
  expect((await asToken()).status).toBe(200);
  const leakedClient = new Braintrust({ apiKey: leaked.key, baseURL: worker.baseUrl, maxRetries: 0 });
  expect((await listKeys(leakedClient)).objects.length).toBeGreaterThan(0);

  const url = "https://github.com/acme/app/blob/0123abc/.env";
  const res = await reportToWorker([
    { token: leaked.key, type: "edgekeys_api_key", url, source: "commit" },
    { token: token.client_secret!, type: "edgekeys_access_client_secret", url, source: "content" },
    { token: "sk-not-ours", type: "edgekeys_api_key", url, source: "commit" },
  ]);
  expect(res.status).toBe(200);
  expect(res.body.map((m) => m.label)).toEqual(["true_positive", "true_positive", "false_positive"]);
  expect(await keyFetches()).toBe(1);
  // The very next request, through each door.
  await expect(listKeys(leakedClient)).rejects.toBeInstanceOf(Braintrust.AuthenticationError);
  expect((await asToken()).status).toBe(401);
  // The owner sees why.
  const events = await fetch(`${worker.baseUrl}/v1/audit_events?action=credential.leaked`, {
    headers: { Authorization: `Bearer ${boot.api_key.key}` },
  }).then((r) => r.json() as Promise<{ objects: { target_type: string; changes: Record<string, unknown> }[] }>);
  expect(events.objects.map((e) => [e.target_type, e.changes.url, e.changes.source])).toEqual([
    ["access_token", url, "content"],
    ["api_key", url, "commit"],
  ]);

  // Public revocation: no credential needed, and no telling what existed.
  const spare = await createKey("pasted-in-chat");
  const revoke = (credentials: string[]) =>
    fetch(`${worker.baseUrl}/credentials/revoke`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ credentials }),
    });
  const first = await revoke([spare.key]);
  const again = await revoke([spare.key]);
  expect([first.status, again.status]).toEqual([202, 202]);
  expect([await first.text(), await again.text()]).toEqual(["", ""]);
  await expect(listKeys(new Braintrust({ apiKey: spare.key, baseURL: worker.baseUrl, maxRetries: 0 }))).rejects.toBeInstanceOf(
    Braintrust.AuthenticationError,
  );
  expect((await listKeys(owner)).objects.map((k) => k.name)).not.toContain("pasted-in-chat");
});
