/**
 * The red team's ways around the gateway, each replayed against the Worker
 * started as `npm run dev` starts it, with its own origins on 127.0.0.1: one
 * that routes on the path as Node's URL gives it, and one that decodes paths
 * leniently, as a Python WSGI server does (`urllib.parse.unquote`: decode what
 * decodes, keep the rest). Every request is sent with node:http or a raw
 * socket, so that Host, absolute-form targets and headers are what an
 * attacker writes.
 */
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect } from "node:net";
import Cloudflare, { BadRequestError } from "cloudflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RED_TEAM_PATHS } from "../helpers/red-team-paths";
import { ADMIN_TOKEN, type RunningWorker, startWorker } from "../setup/e2e-worker";

const VICTIM = "victim.e2e.test";
const A_ID = randomUUID().replaceAll("-", "");
let worker: RunningWorker;
const origins: { server: Server; url: string; seen: { path: string; headers: IncomingMessage["headers"]; method: string }[] }[] = [];

/** Python's `unquote` on the raw path: escapes that decode as UTF-8 bytes (invalid ones replaced), the rest kept. */
const wsgiPath = (raw: string) =>
  raw.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    new TextDecoder("utf-8", { ignoreBOM: true }).decode(Uint8Array.from(run.match(/%../g)!.map((e) => parseInt(e.slice(1), 16)))),
  );

/** An origin that records what reached it: `path` is its own reading of the request path. */
async function origin(read: (rawPath: string) => string) {
  const entry = { server: null as unknown as Server, url: "", seen: [] as (typeof origins)[number]["seen"] };
  entry.server = createServer((req, res) => {
    const path = read(req.url!.split("?")[0]!);
    entry.seen.push({ path, headers: req.headers, method: req.method! });
    res.writeHead(200, { "content-type": "application/json", "x-origin": "echo" });
    res.end(JSON.stringify({ path, headers: req.headers, method: req.method }));
  });
  await new Promise<void>((resolve) => entry.server.listen(0, "127.0.0.1", resolve));
  entry.url = `http://127.0.0.1:${(entry.server.address() as { port: number }).port}`;
  origins.push(entry);
  return entry;
}

let wsgi: Awaited<ReturnType<typeof origin>>;
let node: Awaited<ReturnType<typeof origin>>;

beforeAll(async () => {
  wsgi = await origin(wsgiPath);
  node = await origin((raw) => new URL(`http://o${raw}`).pathname);
  // The operator gives VICTIM to account A; every other host goes to ORIGIN_URL and is A's too (single-account mode).
  worker = await startWorker({
    ORIGINS: JSON.stringify({ [VICTIM]: { origin: wsgi.url, account_id: A_ID } }),
    ORIGIN_URL: node.url,
    GATEWAY_ACCOUNT_ID: A_ID,
  });
});
afterAll(async () => {
  await worker?.stop();
  for (const o of origins) o.server.close();
});

interface Answer {
  status: number;
  body: any;
}

/** A request through the Worker with exactly this Host header and target (origin-form or absolute-form). */
function send(host: string, target: string, headers: Record<string, string> = {}, method = "GET", body = ""): Promise<Answer> {
  const { port } = new URL(worker.baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      const lines = [
        `${method} ${target} HTTP/1.1`,
        `Host: ${host}`,
        "Connection: close",
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      ];
      socket.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
    });
    let raw = "";
    socket.on("data", (d) => (raw += d));
    socket.on("error", reject);
    socket.on("end", () => {
      const status = Number(raw.split(" ")[1]);
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body.slice(body.indexOf("{"), body.lastIndexOf("}") + 1));
      } catch {}
      resolve({ status, body: parsed });
    });
  });
}

async function bootstrap(orgName: string, accountId?: string) {
  const res = await fetch(`${worker.baseUrl}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: orgName, email: `${orgName}@example.com`, ...(accountId ? { account_id: accountId } : {}) }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { org: { account_id: string }; api_key: { key: string } };
  return {
    account_id: body.org.account_id,
    key: body.api_key.key,
    cf: new Cloudflare({ baseURL: `${worker.baseUrl}/client/v4`, apiToken: body.api_key.key, maxRetries: 0 }),
  };
}

type Account = Awaited<ReturnType<typeof bootstrap>>;
let a: Account;
let b: Account;
let t1: { id: string; client_id: string; client_secret: string };
let t2: typeof t1;
const as = (t: typeof t1) => ({ "CF-Access-Client-Id": t.client_id, "CF-Access-Client-Secret": t.client_secret });

/** Origin hits while `run` runs. */
async function hitsDuring(run: () => Promise<void>) {
  const before = wsgi.seen.length + node.seen.length;
  await run();
  return [...wsgi.seen, ...node.seen].slice(before);
}

describe("the gateway cannot be walked around", () => {
  beforeAll(async () => {
    a = await bootstrap(`bypass-a-${Date.now()}`, A_ID);
    b = await bootstrap(`bypass-b-${Date.now()}`);
    const create = (name: string) => a.cf.zeroTrust.access.serviceTokens.create({ account_id: a.account_id, name }) as Promise<typeof t1>;
    [t1, t2] = [await create("t1"), await create("t2")];
    const only = (t: typeof t1) => [{ name: "only", decision: "non_identity", include: [{ service_token: { token_id: t.id } }] }];
    const apps = a.cf.zeroTrust.access.applications;
    await apps.create({
      account_id: a.account_id,
      type: "self_hosted",
      name: "host-wide",
      domain: VICTIM,
      policies: [{ name: "open", decision: "bypass", include: [{ everyone: {} }] }],
    } as never);
    await apps.create({
      account_id: a.account_id,
      type: "self_hosted",
      name: "secret",
      domain: `${VICTIM}/secret`,
      policies: only(t1),
    } as never);
    await apps.create({
      account_id: a.account_id,
      type: "self_hosted",
      name: "single",
      domain: "single.e2e.test/secret",
      policies: only(t1),
    } as never);
  });

  it("1. lets no other account put an application on A's host, under a port or any spelling, nor on a host nobody gave it", async () => {
    for (const domain of [
      `${VICTIM}:8443`,
      `${VICTIM}:443/secret`,
      VICTIM.toUpperCase(),
      `${VICTIM}./secret/x`,
      "unclaimed.e2e.test",
      "single.e2e.test",
    ]) {
      const created = b.cf.zeroTrust.access.applications.create({
        account_id: b.account_id,
        type: "self_hosted",
        name: "open",
        domain,
        policies: [{ name: "open", decision: "bypass", include: [{ everyone: {} }] }],
      } as never);
      await expect(created, domain).rejects.toBeInstanceOf(BadRequestError);
    }
    expect((await b.cf.zeroTrust.access.applications.list({ account_id: b.account_id })).result).toEqual([]);
    // A's protected path stays shut under every port and spelling of its host, and the origin never hears of it.
    const hits = await hitsDuring(async () => {
      for (const host of [VICTIM, `${VICTIM}:8443`, `${VICTIM}:443`, `${VICTIM}:2053`, `${VICTIM.toUpperCase()}.`, `${VICTIM}.:8443`]) {
        expect((await send(host, "/secret/x")).status, host).toBe(401);
        expect((await send(host, "/secret/x", as(t2))).status, host).toBe(403);
        expect((await send(host, "/secret/x", { Authorization: `Bearer ${b.key}` })).status, host).toBe(403);
      }
    });
    expect(hits).toEqual([]);
    expect((await send(`${VICTIM}:8443`, "/secret/x", as(t1))).status).toBe(200);
  });

  it("2. forwards a path only where the WSGI origin reads it under the application that decided", async () => {
    const variants = [
      ...RED_TEAM_PATHS,
      "/%53ECRET/x",
      "/secr%65t",
      "/%2573ecret/x",
      "/secret%2fx",
      "/x%2f..%2fsecret",
      "/x/%2e%2e/secret",
      "/x/.%2e/secret",
      "/%2e%2e/secret",
      "/secret%00/x",
      "/secret%20/x",
      "/secret./x",
      "/secret;x=1/y",
      "/x/..;/secret",
      "/secret%3b/x",
      "/\uFF53ecret/x",
      "/%EF%BD%93ecret/x",
      "/SECRET/x",
      "//secret/x",
      "/./secret/x",
      "/x/../secret/x",
      "/secret%5cx",
      "/x%5c..%5csecret",
      "/secret%",
      "/secret%2",
      "/%%73ecret",
      "/%u0073ecret",
      "/secret%09",
      "/secret/%2e%2e/x",
      "/secret/../x",
      "/sec%72et",
      "/%73%65%63%72%65%74",
      "/public/%2e%2e%2fsecret",
      "/secret%252fx",
      "/sECREt%2Fx",
      "/%C5%BFecret/x",
      "/se%63ret::$DATA",
      "/secret::$data",
      "/secret%3A%3A$DATA",
      "/secret\\x",
      "/x\\..\\secret",
      "/secret#x",
      "/secret?x=/secret",
    ];
    expect(variants.length).toBe(50);
    const statuses: Record<number, number> = {};
    for (const path of variants) {
      const hits = await hitsDuring(async () => {
        const res = await send(VICTIM, path);
        expect([200, 400, 401], `${path} → ${res.status} ${JSON.stringify(res.body)}`).toContain(res.status);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      });
      // Whatever reached the origin without a token, the origin did not read as under /secret.
      for (const hit of hits) expect(hit.path.toLowerCase(), path).not.toMatch(/^\/+secret(\/|$|::)/);
    }
    // Each outcome happened: refused spellings, the secret application's 401, and Bypass forwards elsewhere.
    expect(statuses[400]).toBeGreaterThanOrEqual(25);
    expect(statuses[401]).toBeGreaterThanOrEqual(5);
    expect(statuses[200]).toBeGreaterThanOrEqual(2);
  });

  it("3. single-account mode: a port does not move a request off the application protecting the path", async () => {
    const hits = await hitsDuring(async () => {
      // (Two trailing dots or a leading dot named no host an application could claim: found by the attack.)
      for (const host of ["single.e2e.test..", ".single.e2e.test", "single.e2e.test..:8443"]) {
        expect((await send(host, "/secret/x", as(t2))).status, host).toBe(400);
      }
      for (const host of ["single.e2e.test", "single.e2e.test:8443", "SINGLE.e2e.test.:443"]) {
        expect((await send(host, "/secret/x", as(t2))).status, host).toBe(403);
        expect((await send(host, "/secret/x", { Authorization: `Bearer ${a.key}` })).status, host).toBe(403);
      }
    });
    expect(hits).toEqual([]);
    expect((await send("single.e2e.test:8443", "/secret/x", as(t1))).status).toBe(200);
    expect((await send("single.e2e.test:8443", "/elsewhere", as(t2))).status).toBe(200);
  });

  it("4. lets the caller steer nothing: forwarding and method-override headers stop at the gateway, which sets its own", async () => {
    const steering = {
      "X-Forwarded-Host": "evil.example",
      "X-Forwarded-Proto": "gopher",
      "X-Forwarded-Prefix": "/secret",
      "X-Forwarded-For": "203.0.113.66",
      "X-Forwarded-Port": "8443",
      Forwarded: "host=evil.example;proto=https",
      "X-Original-URL": "/secret/x",
      "X-Rewrite-URL": "/secret/x",
      "X-HTTP-Method-Override": "DELETE",
      "X-HTTP-Method": "DELETE",
      "X-Method-Override": "DELETE",
      X_Forwarded_Host: "evil.example",
      // Found by the attack on the fixed gateway: more families origins and proxies honour.
      "X-Forwarded": "for=203.0.113.66",
      "Forwarded-Host": "evil.example",
      "True-Client-IP": "203.0.113.66",
      "X-Original-Path": "/secret/x",
      "X-Envoy-Original-Path": "/secret/x",
      "x-middleware-subrequest": "middleware",
      "X-Script-Name": "/secret",
      "Cf-Visitor": '{"scheme":"gopher"}',
      Cookie: "a=1; CF.Authorization=forged; CF[Authorization=forged; b=2",
    };
    const res = await send(`${VICTIM}:8443`, "/public/x", steering);
    expect(res.status).toBe(200);
    const seen = res.body.headers as Record<string, string>;
    const dropped = [
      "forwarded",
      "x-original-url",
      "x-rewrite-url",
      "x-http-method-override",
      "x-http-method",
      "x-method-override",
      "x-forwarded-prefix",
      "x-forwarded-port",
      "x_forwarded_host",
    ];
    dropped.push(
      "x-forwarded",
      "forwarded-host",
      "true-client-ip",
      "x-original-path",
      "x-envoy-original-path",
      "x-middleware-subrequest",
      "x-script-name",
      "cf-visitor",
    );
    for (const name of dropped) expect(seen[name], name).toBeUndefined();
    expect(seen.cookie).toBe("a=1; b=2");
    expect(seen["x-forwarded-host"]).toBe(VICTIM);
    expect(seen["x-forwarded-proto"]).toBe("http");
    expect(seen["x-forwarded-for"] ?? "").not.toContain("203.0.113.66");
    expect(res.body.method).toBe("GET");
    // A GET with a body cannot be forwarded as it was sent: a clear 400, not a 502.
    const withBody = await send(VICTIM, "/public/x", { "Content-Length": "2" }, "GET", "{}");
    expect(withBody.status).toBe(400);
  });

  it("decides on the request line's host, whatever else names one: absolute-form targets and Host agree or the request fails", async () => {
    const hits = await hitsDuring(async () => {
      for (const [host, target] of [
        [VICTIM, `http://${VICTIM}:8443/secret/x`],
        ["elsewhere.e2e.test", `http://${VICTIM}/secret/x`],
        [VICTIM, `http://${VICTIM.toUpperCase()}./secret/x`],
      ] as const) {
        const res = await send(host, target);
        expect([400, 401, 404], `${host} ${target} → ${res.status}`).toContain(res.status);
      }
    });
    for (const hit of hits) expect(hit.path, "reached an origin").not.toMatch(/^\/secret/);
  });
});

describe("node:http keeps working as a client", () => {
  it("answers an ordinary request to A's host", async () => {
    const { hostname, port } = new URL(worker.baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ hostname, port, path: "/public/ok", headers: { host: VICTIM } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
  });
});
