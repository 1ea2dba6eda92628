/**
 * Tenant isolation matrix, generated from the route table (/openapi.json, plus the
 * /client/v4 copies of the Cloudflare routes): every tenant-scoped operation is called
 * with org A's owner key but pointed at org B's ids, account, names and filters.
 * Each must answer 403/404 in its surface's format, or an empty list, leak nothing
 * of B's, and change nothing of B's. A new route is covered as soon as it exists;
 * a path parameter the table below does not know fails the test.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceAccount } from "../../helpers/braintrust";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { call, MISSING, withoutUse } from "../../helpers/http";
import { anyToken, appsBase, createApp, newHost, policiesBase, policy } from "../../helpers/gateway-apps";
import { createWebhook, newBox } from "../../helpers/lifecycle";
import { newGithubKey, publishKeys, report } from "../../helpers/secret-scanning";
import { mintClientSecret, mintToken } from "../../../src/core/credentials/tokens";
import { reportFigures } from "../../helpers/settings";

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string }[];
  hasBody: boolean;
}

let A: Awaited<ReturnType<typeof account>>;
let B: Awaited<ReturnType<typeof account>> & {
  apiKeyId: string;
  serviceTokenId: string;
  serviceTokenName: string;
  serviceAccountId: string;
  serviceAccountEmail: string;
  accessTokenId: string;
  accessTokenName: string;
  clientId: string;
  appId: string;
  appHost: string;
  appAud: string;
  appPolicyId: string;
  reusablePolicyId: string;
  webhookId: string;
  webhookUrl: string;
};
const operations: Operation[] = [];
const LEAK_PATHS = ["/secret-scanning/github", "/credentials/revoke"];

/** Everything of B's that must never show up in an answer to A. */
const leakMarkers = () => [
  B.user.email,
  B.serviceAccountEmail,
  B.clientId,
  B.serviceTokenName,
  B.accessTokenName,
  B.appHost,
  B.appAud,
  "b-policy-name",
  B.webhookUrl,
  "b-webhook-description",
];

async function snapshotOfB(): Promise<string> {
  const tables = [
    ["credentials", "org_id"],
    ["memberships", "org_id"],
    ["audit_events", "org_id"],
    ["access_apps", "org_id"],
    ["access_policies", "org_id"],
    ["webhook_events", "org_id"],
    ["access_organizations", "org_id"],
  ];
  const parts = [];
  for (const [table, column] of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM ${table} WHERE ${column} = ? ORDER BY 1`).bind(B.org.id).all();
    parts.push(JSON.stringify(table === "credentials" ? results.map(withoutUse) : results));
  }
  for (const table of ["access_app_routes", "access_app_policies"]) {
    const { results } = await env.DB.prepare(
      `SELECT * FROM ${table} WHERE app_id IN (SELECT id FROM access_apps WHERE org_id = ?) ORDER BY 1, 2`,
    )
      .bind(B.org.id)
      .all();
    parts.push(JSON.stringify(results));
  }
  // The secrets as hex: a sealed BLOB would not show a rotation in JSON.
  const hooks = await env.DB.prepare("SELECT *, hex(secret_enc) AS s, hex(prev_secret_enc) AS p FROM webhooks WHERE org_id = ? ORDER BY 1")
    .bind(B.org.id)
    .all();
  parts.push(JSON.stringify(hooks.results));
  const deliveries = await env.DB.prepare(
    "SELECT * FROM webhook_deliveries WHERE webhook_id IN (SELECT id FROM webhooks WHERE org_id = ?) ORDER BY 1",
  )
    .bind(B.org.id)
    .all();
  parts.push(JSON.stringify(deliveries.results));
  return parts.join("\n");
}

beforeAll(async () => {
  A = await account();
  const b = await account();
  const sa = await createServiceAccount(b.key, { name: "b-robot" });
  const st = (await call("POST", "/v1/service_token", { token: b.key, body: { name: "b-secret-token-name", service_account_id: sa.id } }))
    .body;
  const at = await createToken(b, { name: "b-access-token-name" });
  const appHost = newHost(b);
  const app = await createApp(b, appHost, [policy("non_identity", [anyToken], { name: "b-policy-name" })]);
  const reusable = await cf("POST", policiesBase(b.org.account_id), {
    token: b.key,
    body: policy("bypass", [anyToken], { name: "b-policy-name" }),
  });
  expect(reusable.status).toBe(201);
  // Last, so that none of B's setup raises an event for it.
  const webhookUrl = newBox();
  const webhook = await createWebhook(b.key, webhookUrl, { description: "b-webhook-description" });
  B = {
    ...b,
    apiKeyId: b.api_key.id,
    serviceTokenId: st.id,
    serviceTokenName: "b-secret-token-name",
    serviceAccountId: sa.id,
    serviceAccountEmail: sa.email!,
    accessTokenId: at.id,
    accessTokenName: "b-access-token-name",
    clientId: at.client_id,
    appId: app.id,
    appHost,
    appAud: app.aud,
    appPolicyId: app.policies[0]!.id,
    reusablePolicyId: reusable.body.result.id,
    webhookId: webhook.id,
    webhookUrl,
  };
  const doc = (await call("GET", "/openapi.json")).body;
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    if (path.startsWith("/admin/") || path.startsWith("/cdn-cgi/")) continue; // not tenant-scoped
    // Leak response takes no credential: a secret proven by its hash is the only key (the last test here).
    if (LEAK_PATHS.includes(path)) continue;
    for (const [method, op] of Object.entries<any>(item)) {
      const o = { method: method.toUpperCase(), path, params: op.parameters ?? [], hasBody: Boolean(op.requestBody) };
      operations.push(o);
      if (path.startsWith("/accounts/")) operations.push({ ...o, path: `/client/v4${path}` });
    }
  }
});

/** B's value for a path parameter of `path`. */
function pathValue(name: string, path: string): string {
  switch (name) {
    case "account_id":
      return B.org.account_id;
    case "api_key_id":
      return B.apiKeyId;
    case "service_token_id":
      return path.includes("/access/") ? B.accessTokenId : B.serviceTokenId;
    case "app_id":
      return B.appId;
    case "policy_id":
      return path.includes("/apps/") ? B.appPolicyId : B.reusablePolicyId;
    case "webhook_id":
      return B.webhookId;
    default:
      throw new Error(`tenant-isolation matrix: no value of org B for path parameter "${name}" of ${path}`);
  }
}

/** B's value for a query parameter, or undefined to leave it out. */
function queryValue(name: string): string | undefined {
  return (
    {
      org_name: B.org.name,
      ids: `${B.apiKeyId},${B.serviceTokenId},${B.accessTokenId}`,
      api_key_name: "bootstrap",
      service_token_name: B.serviceTokenName,
      name: B.accessTokenName,
      search: "b-access",
      domain: B.appHost,
      aud: B.appAud,
      target_id: B.apiKeyId,
    } as Record<string, string>
  )[name];
}

/** A body that names B wherever a body can: unknown fields are ignored by every route. */
const bodyForB = () => ({
  name: "from-a",
  org_name: B.org.name,
  org_id: B.org.id,
  id: B.serviceTokenId,
  service_account_id: B.serviceAccountId,
  invite_users: { emails: ["intruder@example.com"] },
  remove_users: { ids: [B.user.id] },
  // a URL POST /v1/webhook accepts, so that the org decides its answer
  url: "https://intruder.example.com/hook",
});

/** A body the route would accept, so that the answer is decided by the ids, not by validation. */
function validBody(op: Operation) {
  if (/\/policies(\/\{policy_id\})?$/.test(op.path)) return policy("non_identity", [anyToken]);
  if (/\/apps(\/\{app_id\})?$/.test(op.path)) return { type: "self_hosted", domain: newHost(A) };
  return bodyForB();
}

function request(op: Operation, withOrgName: boolean) {
  let path = op.path;
  for (const p of op.params.filter((p) => p.in === "path")) path = path.replace(`{${p.name}}`, pathValue(p.name, op.path));
  const query = new URLSearchParams();
  for (const p of op.params.filter((p) => p.in === "query")) {
    const value = queryValue(p.name);
    if (value !== undefined && (withOrgName || p.name !== "org_name")) query.set(p.name, value);
  }
  const qs = query.toString();
  return { path: qs ? `${path}?${qs}` : path, body: op.hasBody ? bodyForB() : undefined };
}

describe("tenant isolation", () => {
  it("covers every tenant-scoped route of both surfaces", () => {
    const listed = operations.map((o) => `${o.method} ${o.path}`);
    expect(listed.length).toBeGreaterThanOrEqual(20);
    expect(listed).toEqual(
      expect.arrayContaining([
        "GET /v1/api_key",
        "PATCH /v1/organization/members",
        "POST /client/v4/accounts/{account_id}/access/service_tokens/{service_token_id}/rotate",
        "PUT /client/v4/accounts/{account_id}/access/apps/{app_id}/policies/{policy_id}",
        "DELETE /accounts/{account_id}/access/policies/{policy_id}",
        "POST /v1/webhook",
        "POST /v1/webhook/{webhook_id}/rotate_secret",
        "GET /v1/webhook/{webhook_id}/deliveries",
        "PATCH /client/v4/accounts/{account_id}/access/organizations",
        "PUT /accounts/{account_id}/access/organizations",
      ]),
    );
  });

  it("answers A's requests for B's objects with 403/404 in the surface's format, and changes nothing of B's", async () => {
    const before = await snapshotOfB();
    let requests = 0;
    for (const op of operations) {
      for (const withOrgName of [true, false]) {
        const { path, body } = request(op, withOrgName);
        const res = await call(op.method, path, { token: A.key, body });
        requests++;
        const where = `${op.method} ${path}`;
        for (const marker of leakMarkers()) expect(res.text, `${where} leaked ${marker}`).not.toContain(marker);
        if (res.status === 200) {
          // only a list filtered by B's names or ids may answer, and then with nothing of B's
          const items = path.startsWith("/v1/") ? res.body.objects : res.body.result;
          expect(Array.isArray(items), `${where} answered 200 without a list`).toBe(true);
          for (const item of items) expect(item.org_id ?? A.org.id, where).toBe(A.org.id);
          expect(JSON.stringify(items), where).not.toContain(B.org.id);
          continue;
        }
        expect([403, 404], `${where} → ${res.status} ${res.text}`).toContain(res.status);
        if (path.startsWith("/v1/")) expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        else expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: expect.any(Number) }] });
      }
    }
    expect(requests).toBe(operations.length * 2);
    reportFigures(`[isolation] ${operations.length} operations, ${requests} cross-tenant requests`);
    expect(await snapshotOfB()).toBe(before);
    // and B's credentials still work
    expect((await call("GET", `/v1/service_token/${B.serviceTokenId}`, { token: B.key })).status).toBe(200);
    expect((await cf("GET", `${B.base}/${B.accessTokenId}`, { token: B.key })).status).toBe(200);
    expect((await cf("GET", `${appsBase(B.org.account_id)}/${B.appId}`, { token: B.key })).status).toBe(200);
    expect((await call("GET", `/v1/webhook/${B.webhookId}`, { token: B.key })).status).toBe(200);
  });

  it("answers A's own account pointed at B's objects exactly as at ids that name nothing", async () => {
    const before = await snapshotOfB();
    const scoped = operations.filter(
      (op) => op.path.includes("{account_id}") && op.params.some((p) => p.in === "path" && p.name !== "account_id"),
    );
    expect(scoped.length).toBeGreaterThanOrEqual(20);
    for (const op of scoped) {
      const ids = op.params.filter((p) => p.in === "path" && p.name !== "account_id").map((p) => pathValue(p.name, op.path));
      const fill = (values: string[]) => {
        let i = 0;
        return op.path.replace(/\{(\w+)\}/g, (_, name) => (name === "account_id" ? A.org.account_id : values[i++]!));
      };
      const body = op.hasBody ? validBody(op) : undefined;
      const theirs = await call(op.method, fill(ids), { token: A.key, body });
      const missing = await call(op.method, fill(ids.map(() => MISSING)), { token: A.key, body });
      const where = `${op.method} ${op.path}`;
      expect(theirs.status, `${where} → ${theirs.text}`).toBe(missing.status);
      expect([403, 404], `${where} → ${theirs.status} ${theirs.text}`).toContain(theirs.status);
      // The same answer, but for the id it names.
      let text = theirs.text;
      for (const id of ids) text = text.replaceAll(id, MISSING);
      expect(text.replace(/"request_id":"[^"]*"/, ""), where).toBe(missing.text.replace(/"request_id":"[^"]*"/, ""));
    }
    expect(await snapshotOfB()).toBe(before);
  });

  it("lets no one stop B's credentials through leak response without B's secrets, even with their ids", async () => {
    const before = await snapshotOfB();
    // Well-formed secrets naming B's credentials (valid prefix, id and checksum), with A's key sent along.
    const forged = [
      mintToken("api_key", B.apiKeyId).token,
      mintToken("service_token", B.serviceTokenId).token,
      mintClientSecret(B.accessTokenId),
    ];
    const revoked = await call("POST", "/credentials/revoke", { token: A.key, body: { credentials: [...forged, A.key.slice(0, -1)] } });
    expect(revoked.status).toBe(202);
    const github = await newGithubKey();
    const reported = await report(
      await publishKeys([github]),
      forged.map((token) => ({ token, type: "edgekeys", url: "", source: "content" })),
      github,
    );
    expect(reported.status).toBe(200);
    expect(reported.body.map((m: { label: string }) => m.label)).toEqual(["false_positive", "false_positive", "false_positive"]);
    expect(await snapshotOfB()).toBe(before);
    expect((await call("GET", "/v1/api_key", { token: B.key })).status).toBe(200);
  });
});
