// Starts the Worker locally the way `npm run dev` does (scripts/dev.mjs: migrations, then
// `wrangler dev`) on a free 127.0.0.1 port with its own throw-away state, for the end-to-end
// tests and the benchmark. `stop()` ends the whole process group and removes the state.
// Nothing local reaches it: its secrets live in the state directory (`dev.vars`, dev.mjs's
// EDGEKEYS_DEV_VARS), not in the developer's .dev.vars or .env, and its database there too.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A fresh directory for local D1 and Durable Object state. */
export const newStateDir = () => mkdtempSync(join(tmpdir(), "edgekeys-local-"));

/** The file that holds a Worker's local secrets, in its state directory (made empty if missing: wrangler needs it). */
function varsFile(stateDir) {
  const file = join(stateDir, "dev.vars");
  if (!existsSync(file)) writeFileSync(file, "", { mode: 0o600 });
  return file;
}

/** Runs `wrangler d1 …` against the local database in `stateDir`. */
export function d1(stateDir, args) {
  const result = spawnSync(wrangler, ["d1", ...args, "--local", "--persist-to", stateDir, "--env-file", varsFile(stateDir)], {
    cwd: root,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
    },
  });
  if (result.status !== 0) throw new Error(`wrangler d1 ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Starts the Worker. `vars` become `--var NAME:value`; `stateDir` (default: a new one) keeps
 * local D1 and Durable Objects; `args` go to `wrangler dev` as well. `autoBootstrap` lets
 * `npm run dev` create its local org on an empty database, as it does for a user (off by
 * default: tests and the benchmark make their own orgs).
 */
export async function startWorker(options = {}) {
  const state = options.stateDir ?? newStateDir();
  // A free port can be taken by another process between our probe and wrangler's bind (the e2e files
  // start Workers side by side): that start is retried on a new port, twice at most.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, stateDir: state, ownState: options.stateDir === undefined }, await freePort());
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/.test(String(err))) throw err;
    }
  }
}

async function startOnce({ vars = {}, stateDir: state, ownState, args = [], timeoutMs = 90_000, autoBootstrap = false }, port) {
  const all = ["--port", String(port), "--ip", "127.0.0.1", "--persist-to", state, ...args];
  for (const [name, value] of Object.entries(vars)) all.push("--var", `${name}:${value}`);
  const child = spawn(process.execPath, [join(root, "scripts", "dev.mjs"), ...all], {
    cwd: root,
    env: { ...process.env, EDGEKEYS_DEV_NO_BOOTSTRAP: autoBootstrap ? "" : "1", EDGEKEYS_DEV_VARS: varsFile(state) },
    detached: true, // its own process group: stopping it stops wrangler and workerd too
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const kill = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the Worker exited early (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      kill();
      throw new Error(`the Worker did not answer within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    stateDir: state,
    log: () => log,
    async stop({ keepState = false } = {}) {
      kill();
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      if (!keepState && ownState) rmSync(state, { recursive: true, force: true });
    },
  };
}
