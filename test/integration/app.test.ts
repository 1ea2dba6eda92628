import { describe, expect, it } from "vitest";
import generated from "../../public/docs-assets/openapi.json";
import { account } from "../helpers/cloudflare";
import { bootstrap, call, callWithEnv } from "../helpers/http";

describe("the app around the surfaces", () => {
  it("serves a no-op health route", async () => {
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.text).toBe("ok");
  });

  it("serves an OpenAPI 3.1 document generated from the route schemas", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const paths = res.body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(["/v1/api_key", "/v1/api_key/{api_key_id}", "/admin/bootstrap"]));
    expect(paths["/v1/api_key"].post.operationId).toBe("postApiKey");
    expect(paths["/v1/api_key"].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["limit", "starting_after", "ending_before", "ids", "api_key_name", "org_name"]),
    );
    const apiKey = res.body.components.schemas.ApiKey;
    expect(Object.keys(apiKey.properties)).toEqual(
      expect.arrayContaining([
        "id",
        "created",
        "name",
        "preview_name",
        "user_id",
        "user_email",
        "user_given_name",
        "user_family_name",
        "org_id",
      ]),
    );
    expect(res.body.components.securitySchemes.bearerAuth.scheme).toBe("bearer");
    // every operation has an id, and no two share one (the /client/v4 copies stay out of the document)
    const ids = Object.values<Record<string, { operationId?: string }>>(paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(paths).some((p) => p.startsWith("/client/v4"))).toBe(false);
  });

  it("serves a browsable docs page that loads only this origin's files, under a strict CSP", async () => {
    const res = await call("GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    // Its own three files, and an empty inline icon (no /favicon.ico request, no 404 in the browser's console).
    expect(refs.sort()).toEqual(["/docs-assets/init.js", "/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css", "data:,"]);
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(res.text).not.toMatch(/<script>/); // no inline script
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
  });

  it("answers unknown routes with 404 JSON and unknown methods with 405 and Allow", async () => {
    const { api_key } = await bootstrap();
    const missing = await call("GET", "/v1/nothing-here", { token: api_key.key });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("not_found");
    const outside = await call("GET", "/nothing");
    expect(outside.status).toBe(404);
    expect(outside.body.error).toBe("not_found");
    const wrong = await call("PUT", "/v1/api_key", { token: api_key.key, body: { name: "x" } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toContain("POST");
    expect(wrong.headers.get("allow")).toContain("GET");
    expect(wrong.body.error).toBe("method_not_allowed");
    const wrongById = await call("PUT", `/v1/api_key/${api_key.id}`, { token: api_key.key, body: {} });
    expect(wrongById.status).toBe(405);
    expect(wrongById.headers.get("allow")).toContain("DELETE");
    expect(wrongById.headers.get("allow")).toContain("PATCH");
  });

  it("answers CORS preflight on every /v1 path without credentials", async () => {
    for (const path of ["/v1/api_key", "/v1/api_key/0190f3a0-0000-7000-8000-000000000000"]) {
      const res = await call("OPTIONS", path, {
        headers: {
          Origin: "https://app.example",
          "Access-Control-Request-Method": "DELETE",
          "Access-Control-Request-Headers": "authorization",
        },
      });
      expect(res.status).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("access-control-allow-methods")).toContain("DELETE");
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    }
  });

  it("never lets an origin make credentialed /v1 requests, and allows the official client's headers", async () => {
    const preflight = await call("OPTIONS", "/v1/api_key", {
      headers: {
        Origin: "https://evil.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, x-stainless-lang, x-stainless-retry-count, content-type",
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const allowed = preflight.headers
      .get("access-control-allow-headers")!
      .toLowerCase()
      .split(",")
      .map((h) => h.trim());
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "x-stainless-lang", "x-stainless-retry-count", "content-type"]));
    // the request itself, cookies and all: still no credentials mode, no reflected origin
    const { api_key } = await bootstrap();
    const res = await call("GET", "/v1/api_key", { token: api_key.key, headers: { Origin: "https://evil.example", Cookie: "session=1" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    const exposed = res.headers.get("access-control-expose-headers")!.toLowerCase().split(",");
    expect(exposed).toEqual(expect.arrayContaining(["x-request-id", "retry-after", "ratelimit", "ratelimit-policy"]));
  });

  it("tags every answer with a request id and forbids caching", async () => {
    const { api_key } = await bootstrap();
    const ok = await call("POST", "/v1/api_key", { token: api_key.key, body: { name: "x" } });
    expect(ok.headers.get("x-request-id")).toMatch(/.+/);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const err = await call("GET", "/v1/api_key");
    expect(err.body.request_id).toBe(err.headers.get("x-request-id"));
  });
});

it("challenges every 401 with WWW-Authenticate, at every door", async () => {
  const a = await account();
  const doors: [string, string][] = [
    ["GET", "/v1/api_key"],
    ["GET", a.base],
    ["GET", `/accounts/${a.org.account_id}/access/service_tokens`],
    ["GET", "/cdn-cgi/access/get-identity"],
  ];
  for (const [method, path] of doors) {
    for (const headers of [{}, { Authorization: "Bearer sk-nope" }] as Record<string, string>[]) {
      const res = await call(method, path, { headers });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("www-authenticate"), path).toBe('Bearer realm="edgekeys"');
    }
    const ok = await call(method, path, { token: a.key });
    expect(ok.status, path).toBe(200);
    expect(ok.headers.get("www-authenticate")).toBeNull();
  }
});

it("answers a bad configuration value with a 500 naming it, and keeps /docs and /healthz up", async () => {
  const b = await bootstrap();
  const res = await callWithEnv({ RATE_LIMIT_REQUESTS: "lots" }, "GET", "/v1/api_key", { token: b.api_key.key });
  expect(res.status).toBe(500);
  expect(res.body).toMatchObject({ error: "misconfigured", message: 'RATE_LIMIT_REQUESTS must be a positive integer (got "lots")' });
  expect((await callWithEnv({ RATE_LIMIT_REQUESTS: "lots" }, "GET", "/healthz")).status).toBe(200);
  expect((await callWithEnv({ RATE_LIMIT_REQUESTS: "lots" }, "GET", "/docs")).status).toBe(200);
});

it("leads GET / to the console, and names the origin it is served from in openapi.json", async () => {
  const root = await callWithEnv({}, "GET", "/"); // the handler itself: a fetch through the binding would follow the redirect
  expect(root.status).toBe(302);
  expect(root.headers.get("location")).toBe("/console");
  const doc = await call("GET", "/openapi.json");
  expect(doc.body.servers).toEqual([{ url: "https://edgekeys.test" }]);
});

it("serves /openapi.json from the generated file (test/unit/openapi-document.test.ts keeps it equal to the routes' document)", async () => {
  const { openapi, ...rest } = generated;
  const doc = await call("GET", "/openapi.json");
  expect(doc.status).toBe(200);
  expect(doc.headers.get("content-type")).toBe("application/json");
  expect(doc.headers.get("cache-control")).toBe("no-store");
  expect(doc.text).toBe(JSON.stringify({ openapi, servers: [{ url: "https://edgekeys.test" }], ...rest }));
});
