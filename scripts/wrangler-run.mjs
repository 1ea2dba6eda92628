// What scripts/deploy.mjs and scripts/bootstrap.mjs share: running the project's own wrangler, and
// reading the few names they need from wrangler.toml. EDGEKEYS_WRANGLER names another wrangler
// executable instead (the deploy tests put a stand-in there that simulates an account).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", ".bin");

/** The wrangler that runs: EDGEKEYS_WRANGLER, or the one pinned in package.json. */
export const wranglerPath = () => process.env.EDGEKEYS_WRANGLER || join(bin, process.platform === "win32" ? "wrangler.cmd" : "wrangler");

/**
 * Runs `wrangler …args` and returns `{ ok, stdout, stderr }`. A secret goes in `input`, to wrangler's
 * stdin and nowhere else: never on its command line (which any user of the machine can read) and
 * never in a file. Without input, stdin is closed, so wrangler asks nothing and takes its defaults
 * (a prompt would hang a script); it also keeps `wrangler deploy` from writing the ids of what it
 * provisions into wrangler.toml, which it offers only to an interactive user.
 */
export function wrangler(args, { input, env = {} } = {}) {
  const result = spawnSync(wranglerPath(), args, {
    cwd: root,
    input,
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    // node_modules/.bin first, so that wrangler runs on the Node 22 the `node` dev dependency
    // brings (as in scripts/dev.mjs), also when this runs without `npm run`.
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`, WRANGLER_SEND_METRICS: "false", ...env },
  });
  const stderr = `${result.stderr ?? ""}${result.error ? `\n${result.error.message}` : ""}`;
  return { ok: result.status === 0, stdout: result.stdout ?? "", stderr };
}

/** wrangler's output of a failed call, to show as it is. */
export const outputOf = (result) => `${result.stdout}${result.stderr}`.trim();

/**
 * The Worker's name, its D1 databases and every queue it names, from wrangler.toml. A reader of the
 * plain `key = "string"` lines that file uses rather than wrangler's own (an unstable API that takes
 * a second to load); the deploy tests check that both read the same.
 */
export function readWranglerConfig(path = join(root, "wrangler.toml")) {
  const config = { name: undefined, d1: [], queues: [] };
  let table = "";
  for (const raw of readFileSync(path, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\[?\s*([^\]\s]+)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1];
      if (table === "d1_databases") config.d1.push({});
      continue;
    }
    const pair = /^([A-Za-z0-9_]+)\s*=\s*"([^"]*)"/.exec(line);
    if (!pair) continue;
    const [, key, value] = pair;
    if (table === "" && key === "name") config.name = value;
    else if (table === "d1_databases") config.d1.at(-1)[key] = value;
    else if (table.startsWith("queues.") && (key === "queue" || key === "dead_letter_queue") && !config.queues.includes(value))
      config.queues.push(value);
  }
  return config;
}
