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
  project.provide("originUrl" as never, origin.url as never);
  project.provide("canaryUrl" as never, canary.url as never);
  return async () => {
    await origin.close();
    await canary.close();
  };
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
