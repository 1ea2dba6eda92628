/**
 * What a team that turned on strict mode, single-header auth and inactivity
 * cleanup in Access's dashboard does against edgekeys with the official
 * `cloudflare` SDK alone (PATCH, which the SDK lacks, over plain HTTP), and
 * the behaviour it then sees at the gateway, started for real.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest, createServer, type Server } from "node:http";
import Cloudflare, { BadRequestError, PermissionDeniedError } from "cloudflare";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

const HOST = "saas-hook.e2e.test";
const ACCOUNT = randomUUID().replaceAll("-", "");
let worker: RunningWorker;
let origin: Server;

beforeAll(async () => {
  origin = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  worker = await startWorker({ ORIGINS: JSON.stringify({ [HOST]: { origin: url, account_id: ACCOUNT } }) });
});
afterAll(async () => {
  await worker?.stop();
  origin?.close();
});

/** A request to the gateway host (fetch cannot set Host; node:http can). */
function through(path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(worker.baseUrl);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers: { ...headers, host: HOST } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function bootstrap(org: string, email: string, account_id?: string) {
  const res = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: org, email, ...(account_id ? { account_id } : {}) }),
  });
  const body = (await res.json()) as { org: { account_id: string }; api_key: { key: string } };
  return {
    account_id: body.org.account_id,
    key: body.api_key.key,
    cf: new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: body.api_key.key, maxRetries: 0 }),
  };
}

it("sets strict mode, inactivity cleanup and single-header auth through the SDK, and the gateway behaves as Access does", async () => {
  const { account_id, key, cf } = await bootstrap("org-e2e", "org-e2e@example.com", ACCOUNT);
  const orgs = cf.zeroTrust.organizations;

  // A new account is strict already, as Access's organizations created from 2026-10-05 are.
  expect(await orgs.list({ account_id })).toEqual({ strict_service_token_auth: true });
  const updated = await orgs.update({
    account_id,
    name: "Widget Corp",
    auth_domain: "widget.cloudflareaccess.com",
    strict_service_token_auth: true,
    service_token_inactivity: { enabled: true, inactivity_threshold_days: 60, action: "disable" },
  });
  expect(updated).toMatchObject({
    name: "Widget Corp",
    strict_service_token_auth: true,
    service_token_inactivity: { enabled: true, inactivity_threshold_days: 60, action: "disable" },
  });
  const created = await orgs.create({
    account_id,
    name: "Widget Corp",
    auth_domain: "widget.cloudflareaccess.com",
    session_duration: "12h",
  });
  expect(created).toMatchObject({ session_duration: "12h", service_token_inactivity: { inactivity_threshold_days: 60 } });

  // PATCH, as Access's documentation changes one setting.
  const patch = await fetch(`${worker.baseUrl}/client/v4/accounts/${account_id}/access/organizations`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ service_token_inactivity: { action: "delete" } }),
  });
  expect(patch.status).toBe(200);
  expect(((await patch.json()) as { result: unknown }).result).toMatchObject({
    service_token_inactivity: { enabled: true, inactivity_threshold_days: 60, action: "delete" },
  });
  expect(await orgs.list({ account_id })).toMatchObject({ name: "Widget Corp", service_token_inactivity: { action: "delete" } });

  // Range and type errors are 400s the SDK reports, naming the field; strict mode stays on.
  const tooShort = orgs.update({
    account_id,
    service_token_inactivity: { enabled: true, inactivity_threshold_days: 7, action: "disable" },
  });
  await expect(tooShort).rejects.toBeInstanceOf(BadRequestError);
  await expect(tooShort).rejects.toMatchObject({
    errors: [{ code: 10001, source: { pointer: "/service_token_inactivity/inactivity_threshold_days" } }],
  });
  await expect(orgs.update({ account_id, strict_service_token_auth: false })).rejects.toBeInstanceOf(BadRequestError);
  await expect(orgs.update({ account_id, is_ui_read_only: "yes" as never })).rejects.toBeInstanceOf(BadRequestError);

  // Single-header auth for a SaaS tool that sends one custom header.
  const token = await cf.zeroTrust.access.serviceTokens.create({ account_id, name: "saas-webhook" });
  await cf.zeroTrust.access.applications.create({
    account_id,
    type: "self_hosted",
    name: "SaaS hooks",
    domain: HOST,
    read_service_tokens_from_header: "Authorization",
    policies: [{ name: "saas", decision: "non_identity", include: [{ service_token: { token_id: token.id! } }] }],
  } as never);
  const single = JSON.stringify({ "cf-access-client-id": token.client_id, "cf-access-client-secret": token.client_secret });
  const ok = await through("/hook", { Authorization: single });
  expect(ok.status).toBe(200);
  expect(ok.body.headers.authorization).toBeUndefined();
  expect(ok.body.headers["cf-access-jwt-assertion"]).toBeTruthy();
  expect((await through("/hook", { Authorization: "{not json" })).status).toBe(401);

  // Strict: duplicate, incomplete and doubly sent credentials are refused.
  const pair = { "CF-Access-Client-Id": token.client_id!, "CF-Access-Client-Secret": token.client_secret! };
  expect((await through("/hook", pair)).status).toBe(200);
  expect((await through("/hook", { ...pair, Authorization: single })).status).toBe(401);
  expect((await through("/hook", { "CF-Access-Client-Id": token.client_id! })).status).toBe(401);
  expect((await through("/hook", { ...pair, "CF-Access-Client-Id": `${token.client_id}, ${token.client_id}` })).status).toBe(401);

  // A member reads the settings and cannot change them.
  const member = await bootstrap("org-e2e-member", "member-e2e@example.com");
  await fetch(`${worker.baseUrl}/v1/organization/members`, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({ invite_users: { emails: ["member-e2e@example.com"] } }),
  });
  expect(await member.cf.zeroTrust.organizations.list({ account_id })).toMatchObject({ strict_service_token_auth: true });
  await expect(member.cf.zeroTrust.organizations.update({ account_id, name: "mine" })).rejects.toBeInstanceOf(PermissionDeniedError);
});
