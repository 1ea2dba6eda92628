/**
 * Global setup of the workers project: an origin on 127.0.0.1 for gateway
 * tests. It echoes what it received as JSON; `x-echo-status` picks the status.
 * A second server, the canary, answers the same way under its own name: a
 * gateway that forwards anywhere but the configured origin reaches it.
 */
import { createServer } from "node:http";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const origin = await echoServer("echo");
  const canary = await echoServer("canary");
  const receiver = await webhookReceiver();
  const keys = await keyServer();
  project.provide("keysUrl" as never, keys.url as never);
  project.provide("originUrl" as never, origin.url as never);
  project.provide("canaryUrl" as never, canary.url as never);
  project.provide("receiverUrl" as never, receiver.url as never);
  return async () => {
    await origin.close();
    await canary.close();
    await receiver.close();
    await keys.close();
  };
}

/**
 * GitHub's secret scanning key endpoint, as the leak-response tests publish it: `PUT /<set>` stores
 * a `{public_keys}` document, `GET /<set>` serves it (with an ETag; `If-None-Match` gets 304) and
 * counts the fetch, `GET /<set>/hits` answers how many fetches that set had (a set stored as `FAIL`
 * answers 500 to each, still counting). Each test uses its own set.
 */
export async function keyServer() {
  const sets = new Map<string, { body: string; hits: number }>();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://keys").pathname;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "PUT") {
        sets.set(path, { body: Buffer.concat(chunks).toString("utf8"), hits: sets.get(path)?.hits ?? 0 });
        res.writeHead(204).end();
        return;
      }
      if (path.endsWith("/hits")) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits: sets.get(path.slice(0, -5))?.hits ?? 0 }));
        return;
      }
      const set = sets.get(path);
      if (!set) return void res.writeHead(404).end();
      set.hits++;
      if (set.body === "FAIL") return void res.writeHead(500).end(); // a key endpoint that is down, counting each try
      const etag = `"${Buffer.from(set.body).toString("base64url").slice(-16)}-${set.body.length}"`;
      if (req.headers["if-none-match"] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { "content-type": "application/json", etag }).end(set.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * A webhook receiver for the lifecycle tests. `POST /<box>` records the delivery (headers and raw
 * body) and answers 204, or, for the first `?fail=N` attempts of each `webhook-id`, 500 (with
 * `&status=S` another status, `&retry_after=T` a Retry-After). `GET /<box>` answers what the box
 * received, oldest first. Boxes are any path: each test uses its own.
 */
async function webhookReceiver() {
  const boxes = new Map<string, { headers: Record<string, string | string[] | undefined>; body: string; status: number }[]>();
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://receiver");
    const box = url.pathname;
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(boxes.get(box) ?? []));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = `${box} ${req.headers["webhook-id"]}`;
      const attempt = (seen.get(id) ?? 0) + 1;
      seen.set(id, attempt);
      const failing = attempt <= Number(url.searchParams.get("fail") ?? 0);
      const status = failing ? Number(url.searchParams.get("status") ?? 500) : 204;
      const list = boxes.get(box) ?? [];
      list.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      boxes.set(box, list);
      const retryAfter = url.searchParams.get("retry_after");
      res.writeHead(status, failing && retryAfter ? { "retry-after": retryAfter } : {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function echoServer(name: string) {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = Number(req.headers["x-echo-status"] ?? 200);
      res.writeHead(status, { "content-type": "application/json", "x-origin": name });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
