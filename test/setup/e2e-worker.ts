/**
 * Starts the Worker for real, the way a user does (`npm run dev`, i.e.
 * scripts/dev.mjs → migrations + `wrangler dev`), on a free loopback port with
 * a throw-away local database, and stops the whole process group afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { generateSigningJwk } from "./jwk";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
  }
}

export const ADMIN_TOKEN = "e2e-admin-token";
const TOKEN_PEPPER = "e2e-pepper-0123456789abcdef";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Worker exited early (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the Worker did not answer within 90 s:\n${output()}`);
}

export interface RunningWorker {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts a Worker with these extra `--var`s; `stop()` ends it and removes its state. */
export async function startWorker(vars: Record<string, string> = {}): Promise<RunningWorker> {
  const root = join(import.meta.dirname, "..", "..");
  const state = mkdtempSync(join(tmpdir(), "edgekeys-e2e-"));
  const port = await freePort();
  const all = { ADMIN_TOKEN, TOKEN_PEPPER, JWT_PRIVATE_KEY: generateSigningJwk(), ...vars };
  const args = ["--port", String(port), "--ip", "127.0.0.1", "--persist-to", state];
  for (const [name, value] of Object.entries(all)) args.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), ...args], {
    cwd: root,
    detached: true, // its own process group, so that stopping it stops wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const kill = () => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {}
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilUp(baseUrl, child, () => log);
  } catch (err) {
    kill();
    throw err;
  }
  return {
    baseUrl,
    async stop() {
      kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      rmSync(state, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject) {
  const worker = await startWorker();
  project.provide("baseUrl", worker.baseUrl);
  project.provide("adminToken", ADMIN_TOKEN);
  return () => worker.stop();
}
