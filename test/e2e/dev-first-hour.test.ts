/**
 * The first hour with `npm run dev` (scripts/dev.mjs), started for real:
 * - a port that is taken is named and nothing starts;
 * - on an empty local database it creates a local org and prints a working API key as one
 *   `export EDGEKEYS_KEY=…` line; a restart on the same state creates nothing more.
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { d1, freePort, newStateDir, root, startWorker } from "../../scripts/local-worker.mjs";
import { generateSigningJwk } from "../setup/jwk";

const vars = { ADMIN_TOKEN: "first-hour-admin-token", TOKEN_PEPPER: "first-hour-pepper-0123456789", JWT_PRIVATE_KEY: generateSigningJwk() };

/** Runs dev.mjs to its end (or kills it after `timeoutMs`): exit code and all output. */
function runDev(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), ...args], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** Waits (bounded) until `log()` matches `pattern`. */
async function waitForLog(log: () => string, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(log());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in the log:\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stateDirs: string[] = [];
afterAll(() => {
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});

describe("npm run dev: the first hour", () => {
  it("names a port that is already taken and exits without starting wrangler", async () => {
    const port = await freePort();
    const server = createServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const state = newStateDir();
    stateDirs.push(state);
    try {
      const { code, output, timedOut } = await runDev(
        ["--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, "--var", `ADMIN_TOKEN:${vars.ADMIN_TOKEN}`],
        30_000,
      );
      expect(timedOut, output).toBe(false);
      expect(code, output).not.toBe(0);
      expect(output).toContain(`port ${port}`);
      expect(output).toMatch(/already in use/);
      expect(output).toContain("npm run dev -- --port");
      expect(output).not.toMatch(/is running at|Ready on|migrations applied/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it("creates a local org on an empty database, prints a working key, and not again on restart", async () => {
    const state = newStateDir();
    stateDirs.push(state);
    const first = await startWorker({ vars, stateDir: state, autoBootstrap: true });
    let key: string;
    try {
      key = (await waitForLog(first.log, /^ +export EDGEKEYS_KEY=(sk-\S+)$/m))[1]!;
      expect(first.log()).toContain(`curl -sS ${first.baseUrl}/v1/api_key -H "Authorization: Bearer $EDGEKEYS_KEY"`);
      expect(first.log()).toMatch(/GATEWAY_ACCOUNT_ID:[0-9a-f]{32}/);
      expect(first.log()).toContain(`Admin token: ${vars.ADMIN_TOKEN}`);
      // One line per step: wrangler's migration tables are not printed.
      expect(first.log()).toMatch(/✓ D1 migrations applied \(\d+ new\)/);
      expect(first.log()).not.toContain("Migrations to be applied");
      const res = await fetch(`${first.baseUrl}/v1/api_key`, { headers: { Authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      expect((await res.json()).objects).toHaveLength(1);
    } finally {
      await first.stop({ keepState: true });
    }

    const second = await startWorker({ vars, stateDir: state, autoBootstrap: true });
    try {
      await waitForLog(second.log, /already has 1 org\(s\)/);
      expect(second.log()).not.toMatch(/export EDGEKEYS_KEY=sk-/);
      expect(second.log()).toMatch(/✓ D1 migrations up to date/);
      // The key of the first start still works, and its org was bootstrapped only once.
      const events = await fetch(`${second.baseUrl}/v1/audit_events?action=org.bootstrap`, {
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(events.status).toBe(200);
      expect((await events.json()).objects).toHaveLength(1);
    } finally {
      await second.stop({ keepState: true });
    }
    const orgs = JSON.parse(d1(state, ["execute", "DB", "--json", "--command", "SELECT count(*) AS n FROM orgs"]));
    expect(orgs[0].results[0].n).toBe(1);
  });
});
