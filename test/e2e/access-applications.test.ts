/**
 * Access applications and policies with the official `cloudflare` SDK alone,
 * against the Worker started for real: a platform team protects two origins
 * with different service tokens, each origin verifies its own audience, a
 * token change is felt by the next request and a policy change within 2 s.
 */
import { randomUUID } from "node:crypto";
import { request as httpRequest, createServer, type Server } from "node:http";
import Cloudflare, { BadRequestError, NotFoundError } from "cloudflare";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

const H1 = "billing.e2e.test";
const H2 = "reports.e2e.test";
/** The account the operator gives both hosts to, named in ORIGINS before its org is bootstrapped. */
const ACCOUNT = randomUUID().replaceAll("-", "");
let worker: RunningWorker;
let origin: Server;

beforeAll(async () => {
  // The origin: echoes what reached it.
  origin = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ url: req.url, host: req.headers.host, headers: req.headers }));
  });
  await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  worker = await startWorker({
    ORIGINS: JSON.stringify({ [H1]: { origin: url, account_id: ACCOUNT }, [H2]: { origin: url, account_id: ACCOUNT } }),
  });
});
afterAll(async () => {
  await worker?.stop();
  origin?.close();
});

/** A request to `host` through the Worker (fetch cannot set Host; node:http can). */
function through(host: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(worker.baseUrl);
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers: { ...headers, host } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function owner() {
  const res = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: "apps-e2e", email: "apps-e2e@example.com", account_id: ACCOUNT }),
  });
  const body = (await res.json()) as { org: { account_id: string }; api_key: { key: string } };
  return {
    account_id: body.org.account_id,
    cf: new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: body.api_key.key, maxRetries: 0 }),
  };
}

it("protects two origins with different service tokens, managed by the SDK alone", async () => {
  const { account_id, cf } = await owner();
  const access = cf.zeroTrust.access;
  const billingToken = await access.serviceTokens.create({ account_id, name: "billing-caller" });
  const reportsToken = await access.serviceTokens.create({ account_id, name: "reports-caller" });
  const as = (t: typeof billingToken) => ({ "CF-Access-Client-Id": t.client_id!, "CF-Access-Client-Secret": t.client_secret! });

  // A reusable policy linked to one application; an app-scoped policy made through the other.
  const reusable = await access.policies.create({
    account_id,
    name: "billing callers",
    decision: "non_identity",
    include: [{ service_token: { token_id: billingToken.id! } }],
  });
  expect(reusable).toMatchObject({ reusable: true, app_count: 0, decision: "non_identity" });
  const billing = await access.applications.create({
    account_id,
    type: "self_hosted",
    name: "Billing",
    domain: H1,
    session_duration: "1h",
    policies: [{ id: reusable.id!, precedence: 1 }],
  } as never);
  expect(billing).toMatchObject({ name: "Billing", domain: H1, type: "self_hosted", session_duration: "1h" });
  expect((billing as { aud: string }).aud).toMatch(/^[0-9a-f]{64}$/);
  const reports = await access.applications.create({ account_id, type: "self_hosted", name: "Reports", domain: H2 } as never);
  const scoped = await access.applications.policies.create(reports.id!, {
    account_id,
    name: "reports callers",
    decision: "non_identity",
    include: [{ service_token: { token_id: reportsToken.id! } }],
    precedence: 1,
  } as never);

  // Lists, auto-paginated one at a time, and filtered as Access filters them.
  const listed: string[] = [];
  for await (const app of access.applications.list({ account_id, per_page: 1 } as never)) listed.push(app.id!);
  expect(listed).toEqual([billing.id, reports.id]);
  const byAud = await access.applications.list({ account_id, aud: (billing as { aud: string }).aud } as never);
  expect(byAud.result.map((a) => a.id)).toEqual([billing.id]);
  expect((await access.policies.get(reusable.id!, { account_id })).app_count).toBe(1);
  const appPolicies: string[] = [];
  for await (const p of access.applications.policies.list(reports.id!, { account_id })) appPolicies.push(p.id!);
  expect(appPolicies).toEqual([scoped.id]);
  expect(await access.applications.policies.get(scoped.id!, { account_id, app_id: reports.id! } as never)).toMatchObject({ precedence: 1 });

  // Each origin verifies its own audience with the JWKS.
  const jwks = createRemoteJWKSet(new URL(`${worker.baseUrl}/cdn-cgi/access/certs`));
  const admitted = await through(H1, "/invoices?page=2", as(billingToken));
  expect(admitted.status).toBe(200);
  expect(admitted.body.url).toBe("/invoices?page=2");
  expect(admitted.body.headers["cf-access-client-secret"]).toBeUndefined();
  const { payload, protectedHeader } = await jwtVerify(admitted.body.headers["cf-access-jwt-assertion"], jwks, {
    audience: (billing as { aud: string }).aud,
    issuer: "edgekeys",
  });
  expect(protectedHeader.alg).toBe("RS256");
  expect(payload).toMatchObject({ type: "app", common_name: billingToken.client_id, sub: "" });
  await expect(
    jwtVerify(admitted.body.headers["cf-access-jwt-assertion"], jwks, { audience: (reports as { aud: string }).aud }),
  ).rejects.toThrow();
  expect((await through(H2, "/daily", as(reportsToken))).status).toBe(200);
  expect((await through(H2, "/daily", as(billingToken))).status).toBe(403);
  expect((await through(H1, "/invoices", as(reportsToken))).status).toBe(403);
  expect((await through(H1, "/invoices")).status).toBe(401);

  // A token change is felt by the next request.
  await access.serviceTokens.update(billingToken.id!, { account_id, name: "billing-caller", enabled: false } as never);
  expect((await through(H1, "/invoices", as(billingToken))).status).toBe(403);
  await access.serviceTokens.delete(billingToken.id!, { account_id });
  expect((await through(H1, "/invoices", as(billingToken))).status).toBe(401);

  // A policy change within 2 s (bounded poll; the bound itself is pinned by the route table's unit test).
  await access.applications.policies.delete(scoped.id!, { account_id, app_id: reports.id! } as never);
  let status = 200;
  for (let i = 0; i < 50 && status === 200; i++) {
    status = (await through(H2, "/daily", as(reportsToken))).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe(403);

  // Update (PUT replaces; policies stay when not sent), revoke_tokens, deletes.
  const renamed = await access.applications.update(billing.id!, {
    account_id,
    type: "self_hosted",
    name: "Billing v2",
    domain: H1,
  } as never);
  expect(renamed).toMatchObject({ name: "Billing v2" });
  expect((renamed as { policies: { id: string }[] }).policies.map((p) => p.id)).toEqual([reusable.id]);
  await access.applications.revokeTokens(billing.id!, { account_id });
  expect(await access.applications.delete(billing.id!, { account_id })).toEqual({ id: billing.id });
  expect(await access.policies.delete(reusable.id!, { account_id })).toEqual({ id: reusable.id });
  await expect(access.applications.get(billing.id!, { account_id })).rejects.toBeInstanceOf(NotFoundError);
  expect((await through(H1, "/invoices")).status).toBe(404);
});

it("refuses what it cannot enforce with a 400 the SDK reports", async () => {
  const { account_id, cf } = await owner();
  const allow = cf.zeroTrust.access.policies.create({ account_id, name: "people", decision: "allow", include: [{ everyone: {} }] });
  await expect(allow).rejects.toBeInstanceOf(BadRequestError);
  const saas = cf.zeroTrust.access.applications.create({ account_id, type: "saas", name: "x" } as never);
  await expect(saas).rejects.toBeInstanceOf(BadRequestError);
  const email = cf.zeroTrust.access.policies.create({
    account_id,
    name: "e",
    decision: "non_identity",
    include: [{ email: { email: "a@b.c" } }],
  });
  await expect(email).rejects.toBeInstanceOf(BadRequestError);
});
