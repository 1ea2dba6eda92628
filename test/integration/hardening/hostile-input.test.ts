/**
 * Hostile input, property-based (fast-check), over every route of the route table:
 * random JSON and non-JSON bodies, wrong types, huge strings, deep nesting, invalid
 * UTF-8, control characters, duplicate query parameters, garbage Authorization
 * headers, injection-shaped names. Whatever comes in: no 5xx, the answer is in the
 * surface's own error format, and a refused request changes nothing.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createServiceAccount } from "../../helpers/braintrust";
import { account, createToken } from "../../helpers/cloudflare";
import { ADMIN_TOKEN, call } from "../../helpers/http";
import { anyToken, createApp, newHost, policy } from "../../helpers/gateway-apps";
import { createWebhook, newBox } from "../../helpers/lifecycle";
import { propertyRuns, reportFigures } from "../../helpers/settings";

const RUNS_PER_ROUTE = propertyRuns(40);

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string }[];
}

const operations: Operation[] = [];
let owner: Awaited<ReturnType<typeof account>>;
const validIds: string[] = [];
let requestsSent = 0;

beforeAll(async () => {
  owner = await account();
  const sa = await createServiceAccount(owner.key, { token_name: "t" });
  const token = await createToken(owner);
  const app = await createApp(owner, newHost(owner), [policy("non_identity", [anyToken])]);
  // to the local receiver: a generated request that creates a credential raises an event for it
  const webhook = await createWebhook(owner.key, newBox());
  validIds.push(owner.api_key.id, sa.id, token.id, owner.org.account_id, app.id, app.policies[0]!.id, webhook.id);
  const doc = (await call("GET", "/openapi.json")).body;
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      operations.push({ method: method.toUpperCase(), path, params: op.parameters ?? [] });
      if (path.startsWith("/accounts/"))
        operations.push({ method: method.toUpperCase(), path: `/client/v4${path}`, params: op.parameters ?? [] });
    }
  }
});

/** Counts of every table: a refused request must leave them as they were. */
async function fingerprint(): Promise<string> {
  const tables = [
    "orgs",
    "principals",
    "memberships",
    "credentials",
    "audit_events",
    "access_apps",
    "access_app_routes",
    "access_policies",
    "access_app_policies",
    "webhooks",
    "webhook_events",
    "webhook_deliveries",
  ];
  // The organization's row is always there: what a refused request must not change is its content.
  const org = await env.DB.prepare(
    "SELECT strict_service_token_auth, inactivity_enabled, settings, updated_at FROM access_organizations WHERE org_id = ?",
  )
    .bind(owner.org.id)
    .first();
  const counts = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`)));
  return `${counts.map((r) => (r.results[0] as { n: number }).n).join(",")} ${JSON.stringify(org)}`;
}

const injection = fc.constantFrom(
  "'; DROP TABLE credentials; --",
  '" OR 1=1 --',
  "%' OR '1'='1",
  "<script>alert(1)</script>",
  "../../etc/passwd",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell-shaped string, sent as it is
  "${jndi:ldap://x}",
  "\u0000\u0001\u001f",
  "名前🔑",
  "\uD800",
);
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  injection,
  fc.constant("x".repeat(70_000)),
  fc.constant("x".repeat(300)),
);
const jsonValue = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.constantFrom(
      "name",
      "org_name",
      "email",
      "duration",
      "id",
      "ids",
      "service_account_id",
      "enabled",
      "invite_users",
      "remove_users",
      "client_secret_version",
      "previous_client_secret_expires_at",
      "expires_at",
      "type",
      "domain",
      "destinations",
      "self_hosted_domains",
      "policies",
      "decision",
      "include",
      "require",
      "exclude",
      "precedence",
      "session_duration",
      "url",
      "events",
      "description",
      "grace_period_seconds",
      "strict_service_token_auth",
      "service_token_inactivity",
      "read_service_tokens_from_header",
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 3 }), text),
  ),
  fc.integer({ min: 2000, max: 20000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
);

const body = fc.oneof(
  jsonValue.map((v) => ({ raw: typeof v === "string" && v.startsWith("[[") ? v : JSON.stringify(v), type: "application/json" })),
  text.map((t) => ({ raw: t, type: "application/json" })),
  text.map((t) => ({ raw: t, type: "text/plain" })),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((bytes) => ({ raw: new Uint8Array([0xff, 0xfe, ...bytes]), type: "application/json" })),
  fc.constant(undefined),
);

const authorization = fc.oneof(
  fc.constant("valid"),
  fc.constant(undefined),
  fc.string({ maxLength: 80 }).map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}`),
  fc.constantFrom("Bearer", "Basic Zm9vOmJhcg==", `Bearer sk-${"A".repeat(61)}`, `Bearer bt-st-${"0".repeat(61)}`, "Bearer sk-\u007f"),
);

/** URL-encodes test text; lone surrogates (fine in JSON bodies) cannot be percent-encoded. */
const enc = (t: string) => encodeURIComponent(t.replace(/[\uD800-\uDFFF]/g, "\uFFFD"));

const segment = fc.oneof(
  fc.constantFrom(...["0190f3a0-0000-7000-8000-000000000000", "..", "%00", "%C3%28", "a%2Fb"]),
  text.map((t) => enc(t.slice(0, 200))),
);

function expectSurfaceFormat(rawPath: string, res: Awaited<ReturnType<typeof call>>) {
  // The surface is chosen by the path as the URL parser normalises it ("/accounts/../x" is "/x").
  const path = new URL(rawPath, "https://edgekeys.test").pathname;
  expect(res.headers.get("content-type"), `${path} → ${res.status}`).toContain("application/json");
  if (path.startsWith("/accounts/") || path.startsWith("/client/v4/")) {
    expect(res.body).toMatchObject({ success: false, result: null, errors: [{ code: expect.any(Number), message: expect.any(String) }] });
  } else {
    expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String), request_id: expect.any(String) });
  }
}

describe("hostile input", () => {
  it("never answers 5xx, always in the surface's format, and refused requests change nothing", async () => {
    // The counts before each request: this file has its database to itself (vitest.config.ts), so
    // they change only when a request is accepted, and are taken again then.
    let state = await fingerprint();
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            pathValues: fc.array(fc.oneof(fc.constantFrom(...validIds), segment), { minLength: 3, maxLength: 3 }),
            query: fc.array(
              fc.tuple(
                fc.constantFrom(
                  "limit",
                  "ids",
                  "org_name",
                  "page",
                  "per_page",
                  "starting_after",
                  "ending_before",
                  "name",
                  "search",
                  "action",
                  "since",
                  "x",
                ),
                text.map((t) => t.slice(0, 300)),
              ),
              { maxLength: 4 },
            ),
            body,
            auth: authorization,
          }),
          async ({ pathValues, query, body: generated, auth }) => {
            const body = op.method === "GET" ? undefined : generated; // fetch refuses a GET with a body
            let i = 0;
            let path = op.path.replace(/\{[^}]+\}/g, () => pathValues[i++]!);
            const qs = query.map(([k, v]) => `${k}=${enc(v)}`).join("&");
            if (qs) path += `?${qs}`;
            const headers: Record<string, string> = {};
            if (auth === "valid") headers.Authorization = `Bearer ${path.startsWith("/admin") ? ADMIN_TOKEN : owner.key}`;
            else if (auth !== undefined) headers.Authorization = auth;
            if (body) headers["Content-Type"] = body.type;
            const before = state;
            const res = await call(op.method, path, { headers, rawBody: body?.raw as string | undefined });
            requestsSent++;
            expect(res.status, `${op.method} ${path.slice(0, 200)} → ${res.status} ${res.text.slice(0, 300)}`).toBeLessThan(500);
            if (res.status >= 400) {
              expectSurfaceFormat(path, res);
              expect(await fingerprint(), `${op.method} ${path} was refused but changed state`).toBe(before);
            } else {
              state = await fingerprint(); // an accepted request may change the counts
            }
          },
        ),
        { numRuns: RUNS_PER_ROUTE, seed: 20261123 },
      );
    }
    expect(requestsSent).toBe(operations.length * RUNS_PER_ROUTE);
    reportFigures(`[hostile] ${operations.length} operations, ${requestsSent} generated requests`);
  }, 120_000);
});
