#!/usr/bin/env node
// `npm run dev [-- <wrangler dev args>]`: everything a fresh clone needs to run locally.
//  1. creates the local secrets that are missing from .dev.vars (never overwrites one);
//  2. applies the D1 migrations to the local database;
//  3. starts `wrangler dev` with the arguments given after `--`;
//  4. once it answers, prints the admin token and a ready-to-paste bootstrap command.
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const devVarsPath = join(root, ".dev.vars");
const args = process.argv.slice(2);
// node_modules/.bin first on PATH, so that wrangler runs on the Node 22 that the `node` dev
// dependency installs there, also when this script is started without `npm run`.
const childEnv = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
};

/** Local secrets and how to make each one; `npm run dev` adds only the missing ones. */
const LOCAL_SECRETS = {
  ADMIN_TOKEN: () => randomBytes(24).toString("base64url"),
  TOKEN_PEPPER: () => randomBytes(32).toString("base64url"),
  // ES256 signing key for identity assertions, as a JWK with a kid.
  JWT_PRIVATE_KEY: () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return JSON.stringify({ ...privateKey.export({ format: "jwk" }), alg: "ES256", kid: randomUUID() });
  },
};

function readDevVars() {
  if (!existsSync(devVarsPath)) return {};
  const vars = {};
  for (const line of readFileSync(devVarsPath, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

function ensureDevVars() {
  const vars = readDevVars();
  // A secret given as `--var NAME:value` is not missing.
  const missing = Object.keys(LOCAL_SECRETS).filter((name) => !vars[name] && varOverride(name) === undefined);
  if (missing.length) {
    const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : "# Local secrets for `wrangler dev`; never commit this file.\n";
    // Single quotes keep JSON values (the JWK) intact for the dotenv parser.
    const added = missing.map((name) => `${name}='${(vars[name] = LOCAL_SECRETS[name]())}'`).join("\n");
    writeFileSync(devVarsPath, `${existing.replace(/\n?$/, "\n")}${added}\n`, { mode: 0o600 });
    console.log(`[dev] wrote ${missing.join(", ")} to .dev.vars`);
  }
  return vars;
}

/** The value of `--name value` or `--name=value` among the wrangler arguments. */
function argValue(name) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

/** A `--var NAME:value` given on the command line wins over .dev.vars, as it does in wrangler. */
function varOverride(name) {
  let value;
  for (let i = 0; i < args.length; i++) {
    const spec = args[i] === "--var" ? args[i + 1] : args[i].startsWith("--var=") ? args[i].slice(6) : undefined;
    if (spec?.startsWith(`${name}:`)) value = spec.slice(name.length + 1);
  }
  return value;
}

const vars = ensureDevVars();

const persistTo = argValue("--persist-to");
const migrate = spawnSync(
  wrangler,
  ["d1", "migrations", "apply", "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : [])],
  { cwd: root, stdio: "inherit", env: { ...childEnv, CI: "true" } },
);
if (migrate.status !== 0) {
  console.error("[dev] applying the D1 migrations failed");
  process.exit(migrate.status ?? 1);
}

const port = argValue("--port") ?? "8787";
const ip = argValue("--ip") ?? "localhost";
const host = ip === "0.0.0.0" || ip === "::" ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
const baseUrl = `http://${host}:${port}`;
const adminToken = varOverride("ADMIN_TOKEN") ?? vars.ADMIN_TOKEN;

const child = spawn(wrangler, ["dev", ...args], { cwd: root, stdio: "inherit", env: childEnv });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Wait (bounded) until the Worker answers, then say how to get the first key.
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && child.exitCode === null) {
  try {
    const res = await fetch(`${baseUrl}/healthz`);
    if (res.ok) {
      printBanner();
      break;
    }
  } catch {}
  await new Promise((resolve) => setTimeout(resolve, 250));
}

function printBanner() {
  const body = JSON.stringify({ org_name: "my-org", email: "you@example.com" });
  console.log(`
──────────────────────────────────────────────────────────────────────
 edgekeys is running at ${baseUrl}   (API docs: ${baseUrl}/docs)

 Admin token: ${adminToken}

 Create the first org, its owner and an API key:

   curl -sS -X POST ${baseUrl}/admin/bootstrap \\
     -H 'Authorization: Bearer ${adminToken}' \\
     -H 'Content-Type: application/json' \\
     -d '${body}'

 Then use the returned api_key.key as "Authorization: Bearer <key>".
──────────────────────────────────────────────────────────────────────
`);
}
