/**
 * The permission matrix, generated from the route table (/openapi.json): every
 * authenticated route declares `x-required-permission` from the published
 * table, and for every route and every permission a key holding exactly that
 * permission gets the declared answer: 403 in the surface's format naming the
 * permission when it is not the route's, and the route's own answer (2xx)
 * when it is. A new route without a declaration fails at start-up.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { PERMISSION_NAMES } from "../../../src/core/shared/permissions";
import { createServiceAccount } from "../../helpers/braintrust";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { anyToken, appsBase, createApp, newHost, policiesBase, policy } from "../../helpers/gateway-apps";
import { call } from "../../helpers/http";
import { createWebhook, newBox } from "../../helpers/lifecycle";
import { scopedKey } from "../../helpers/scoped";
import { reportFigures } from "../../helpers/settings";

interface Operation {
  id: string;
  method: string;
  path: string;
  permission: string;
  query: string[];
}

const operations: Operation[] = [];
let A: Awaited<ReturnType<typeof account>>;
const keys = new Map<string, string>();
let ids: Record<string, string> = {};

beforeAll(async () => {
  A = await account();
  const sa = await createServiceAccount(A.key, { name: "robot" });
  const token = (name: string) =>
    call("POST", "/v1/service_token", { token: A.key, body: { name, service_account_id: sa.id } }).then((r) => r.body.id as string);
  const app = await createApp(A, newHost(A), [policy("non_identity", [anyToken])]);
  const reusable = await cf("POST", policiesBase(A.org.account_id), { token: A.key, body: policy("bypass", [anyToken]) });
  ids = {
    serviceAccount: sa.id,
    apiKey: (await scopedKey(A.key, {}, "victim")).id,
    serviceToken: await token("victim-by-path"),
    serviceTokenByBody: await token("victim-by-body"),
    accessToken: (await createToken(A, { name: "victim" })).id,
    app: app.id,
    appPolicy: app.policies[0]!.id,
    reusablePolicy: reusable.body.result.id,
    webhook: (await createWebhook(A.key, newBox())).id,
  };
  for (const p of PERMISSION_NAMES) keys.set(p, (await scopedKey(A.key, { permissions: [p] }, `only-${p}`)).key);
  const doc = (await call("GET", "/openapi.json")).body;
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      if (!op.security?.length || path.startsWith("/admin/")) continue; // no credential: nothing to permit
      const query = (op.parameters ?? []).filter((p: any) => p.in === "query").map((p: any) => p.name);
      operations.push({ id: op.operationId, method: method.toUpperCase(), path, permission: op["x-required-permission"], query });
    }
  }
  // Reads first, deletes last (innermost first), so that every holder finds what it acts on.
  const rank = (o: Operation) => (o.method === "GET" ? 0 : o.method === "DELETE" ? 2 : 1);
  operations.sort((a, b) => rank(a) - rank(b) || (rank(a) === 2 ? b.path.length - a.path.length : 0));
});

function pathOf(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name === "account_id") return A.org.account_id;
    if (name === "api_key_id") return ids.apiKey!;
    if (name === "service_token_id") return op.path.includes("/access/") ? ids.accessToken! : ids.serviceToken!;
    if (name === "app_id") return ids.app!;
    if (name === "policy_id") return op.path.includes("/apps/") ? ids.appPolicy! : ids.reusablePolicy!;
    if (name === "webhook_id") return ids.webhook!;
    throw new Error(`permission matrix: no value for path parameter ${name} of ${op.path}`);
  });
}

/** A body the route accepts from an owner, so that a holder's answer is the route's own. */
function bodyOf(op: Operation): unknown {
  if (op.method === "GET") return undefined;
  if (/\/policies(\/\{policy_id\})?$/.test(op.path) && op.method !== "DELETE") return policy("non_identity", [anyToken]);
  if (/\/apps(\/\{app_id\})?$/.test(op.path) && op.method !== "DELETE") return { type: "self_hosted", domain: newHost(A) };
  const bodies: Record<string, unknown> = {
    postServiceToken: { name: "m", service_account_id: ids.serviceAccount },
    putServiceToken: { name: "m", service_account_id: ids.serviceAccount },
    deleteServiceToken: { id: ids.serviceTokenByBody },
    patchOrganizationMembers: { invite_users: { service_accounts: [{ name: "m" }] } },
    postWebhook: { url: newBox() },
  };
  return bodies[op.id] ?? (op.method === "DELETE" ? undefined : { name: "m" });
}

describe("the permission matrix", () => {
  it("has every authenticated route declare one permission from the published table", () => {
    expect(operations.length).toBeGreaterThanOrEqual(44);
    for (const op of operations) expect(PERMISSION_NAMES, `${op.method} ${op.path}`).toContain(op.permission);
    const used = new Set(operations.map((o) => o.permission));
    expect([...used].sort()).toEqual([...PERMISSION_NAMES].sort());
  });

  it("answers every route × permission as declared: 403 naming the permission, or the route's own 2xx", async () => {
    let requests = 0;
    for (const op of operations) {
      const path = pathOf(op);
      const body = bodyOf(op);
      const where = `${op.method} ${op.path}`;
      for (const p of PERMISSION_NAMES.filter((p) => p !== op.permission)) {
        const res = await call(op.method, path, { token: keys.get(p)!, body });
        requests++;
        expect(res.status, `${where} with ${p}: ${res.text}`).toBe(403);
        expect(res.text, where).toContain(op.permission);
        if (path.startsWith("/v1/") || path.startsWith("/cdn-cgi/")) expect(res.body).toMatchObject({ error: "forbidden" });
        else expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: 9109 }] });
      }
      const res = await call(op.method, path, { token: keys.get(op.permission)!, body });
      requests++;
      expect(res.status, `${where} with ${op.permission}: ${res.text}`).toBeGreaterThanOrEqual(200);
      expect(res.status, `${where} with ${op.permission}: ${res.text}`).toBeLessThan(300);
    }
    reportFigures(`[permissions] ${operations.length} operations × ${PERMISSION_NAMES.length} permissions, ${requests} requests`);
  }, 120_000);

  it("holds under /client/v4 too, and a key without permissions keeps its owner's rights", async () => {
    const readOnly = keys.get("access:read")!;
    expect((await cf("GET", A.base, { token: readOnly })).status).toBe(200);
    expect((await cf("POST", A.base, { token: readOnly, body: { name: "no" } })).status).toBe(403);
    expect((await cf("GET", appsBase(A.org.account_id), { token: keys.get("api_keys:read")! })).status).toBe(403);
    expect((await cf("POST", A.base, { token: A.key, body: { name: "yes" } })).status).toBe(201);
  });
});
