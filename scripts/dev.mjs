#!/usr/bin/env node
// `npm run dev [-- <wrangler dev args>]`: everything a fresh clone needs to run locally.
//  1. checks that the port is free (and stops there, before wrangler, when it is not);
//  2. creates the local secrets that are missing from .dev.vars (never overwrites one);
//  3. applies the D1 migrations to the local database (one line of output);
//  4. starts `wrangler dev` with the arguments given after `--`;
//  5. once it answers: on a local database without any org, creates a local org and its owner
//     through the Worker's own `POST /admin/bootstrap` and prints a ready API key as an
//     `export EDGEKEYS_KEY=…` line; otherwise prints how to get a key. Always prints the admin
//     token and the bootstrap command for more orgs.
// EDGEKEYS_DEV_NO_BOOTSTRAP=1 skips the automatic org (scripts/local-worker.mjs sets it for tests).
// EDGEKEYS_DEV_VARS=<file> keeps the local secrets in that file instead of .dev.vars, and then no
// .dev.vars or .env is read at all (scripts/local-worker.mjs sets it: tests see nothing local).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { signingMaterial } from "./signing-key.mjs";
import { copyDocsAssets } from "./docs-assets.mjs";
import { buildConsole } from "./console-assets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");
const ownVars = process.env.EDGEKEYS_DEV_VARS ? resolve(process.env.EDGEKEYS_DEV_VARS) : undefined;
const devVarsPath = ownVars ?? join(root, ".dev.vars");
const devVarsName = ownVars ? relative(root, ownVars) : ".dev.vars";
const args = process.argv.slice(2);
// node_modules/.bin first on PATH, so that wrangler runs on the Node 22 that the `node` dev
// dependency installs there, also when this script is started without `npm run`.
const childEnv = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
  WRANGLER_SEND_METRICS: "false",
};
// With a file of its own, wrangler reads that file (`--env-file`) for the Worker's secrets and
// for its own environment, in place of .dev.vars, .env and .env.local, and not the shell's
// environment either.
// (The file must exist: wrangler hands `--env-file` to Node as well, which refuses a missing one.)
const envFileArgs = ownVars ? ["--env-file", ownVars] : [];
if (ownVars) Object.assign(childEnv, { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true", CLOUDFLARE_INCLUDE_PROCESS_ENV: "false" });
const DEV_VARS_HEADER = "# Local secrets for `wrangler dev`; never commit this file.\n";
if (ownVars && !existsSync(ownVars)) writeFileSync(ownVars, DEV_VARS_HEADER, { mode: 0o600 });

/** Local secrets and how to make each one; `npm run dev` adds only the missing ones. */
const LOCAL_SECRETS = {
  ADMIN_TOKEN: () => randomBytes(24).toString("base64url"),
  TOKEN_PEPPER: () => randomBytes(32).toString("base64url"),
  // Webhook signing secrets are sealed under this key (src/core/webhooks/secret-box.ts).
  WEBHOOK_ENCRYPTION_KEY: () => randomBytes(32).toString("base64url"),
};

/**
 * The signing key (RS256, as Access signs) and its certificate, made together: the certificate is
 * of that key, so both are written when the key is missing. A `.dev.vars` from before keeps its
 * key (say ES256, still supported) and publishes no certificate until its key line is deleted.
 */
async function signingSecrets(vars) {
  if (vars.JWT_PRIVATE_KEY || varOverride("JWT_PRIVATE_KEY") !== undefined) return {};
  const { jwk, certificate } = await signingMaterial({ alg: "RS256" });
  // One line each for the dotenv parser: the PEM's newlines escaped (the Worker undoes them).
  return { JWT_PRIVATE_KEY: jwk, JWT_CERTIFICATE: certificate.trim().replaceAll("\n", "\\n") };
}

function readDevVars() {
  if (!existsSync(devVarsPath)) return {};
  const vars = {};
  for (const line of readFileSync(devVarsPath, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]] = match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

async function ensureDevVars() {
  const vars = readDevVars();
  // A secret given as `--var NAME:value` is not missing.
  const made = Object.fromEntries(
    Object.keys(LOCAL_SECRETS)
      .filter((name) => !vars[name] && varOverride(name) === undefined)
      .map((name) => [name, LOCAL_SECRETS[name]()]),
  );
  Object.assign(made, await signingSecrets(vars));
  const missing = Object.keys(made);
  if (missing.length) {
    const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : DEV_VARS_HEADER;
    // Single quotes keep JSON values (the JWK) intact for the dotenv parser.
    const added = missing.map((name) => `${name}='${(vars[name] = made[name])}'`).join("\n");
    writeFileSync(devVarsPath, `${existing.replace(/\n?$/, "\n")}${added}\n`, { mode: 0o600 });
    console.log(`[dev] wrote ${missing.join(", ")} to ${devVarsName}`);
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

const port = argValue("--port") ?? "8787";
const ip = argValue("--ip") ?? "localhost";
const host = ip === "0.0.0.0" || ip === "::" ? "localhost" : ip.includes(":") ? `[${ip}]` : ip;
const baseUrl = `http://${host}:${port}`;
const remote = args.includes("--remote");

/** Tries to listen on `port` at `address`: null when it could, else the error code. */
function tryListen(address) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error) => resolve(error.code ?? String(error)));
    server.listen({ port: Number(port), host: address, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** Exits (before anything starts) when the port is taken: another server would answer for us. */
async function checkPort() {
  if (!/^\d+$/.test(port) || Number(port) === 0) return; // wrangler will pick or complain itself
  // "localhost" may be served on either loopback address; check both (one may not exist here).
  const addresses = ip === "localhost" ? ["127.0.0.1", "::1"] : [ip];
  for (const address of addresses) {
    const code = await tryListen(address);
    if (code === null || ((code === "EADDRNOTAVAIL" || code === "EAFNOSUPPORT") && addresses.length > 1)) continue;
    const why =
      code === "EADDRINUSE"
        ? "is already in use (another server, or another `npm run dev`, is listening on it)"
        : `cannot be used (${code})`;
    console.error(`[dev] port ${port} on ${address} ${why}.
[dev] Stop that server, or pick another port:  npm run dev -- --port ${Number(port) === 8788 ? 8789 : 8788}`);
    process.exit(1);
  }
}

/** Runs `wrangler d1 …` on the local database quietly; its output is shown only when it fails. */
function d1(d1Args, what, { fatal = true } = {}) {
  const result = spawnSync(
    wrangler,
    ["d1", ...d1Args, "DB", "--local", ...(persistTo ? ["--persist-to", persistTo] : []), ...envFileArgs],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...childEnv, CI: "true" },
    },
  );
  if (result.status !== 0) {
    if (!fatal) return null;
    process.stdout.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
    console.error(`[dev] ${what} failed${result.error ? `: ${result.error.message}` : ""}`);
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}

/** The local orgs (oldest first, at most 5) and how many there are; null when unknown. */
function localOrgs() {
  try {
    const out = d1(
      ["execute", "--json", "--command", "SELECT id, name, (SELECT count(*) FROM orgs) AS n FROM orgs ORDER BY id LIMIT 5"],
      "reading the local orgs",
      { fatal: false },
    );
    if (out === null) return null;
    const rows = JSON.parse(out)[0]?.results ?? [];
    return { count: rows[0]?.n ?? 0, orgs: rows.map((r) => ({ name: r.name, account_id: r.id.replaceAll("-", "").toLowerCase() })) };
  } catch {
    return null;
  }
}

/**
 * Offline, miniflare prints an ENOTFOUND stack trace each time it (re)loads, trying to fetch
 * the `Request.cf` data from workers.cloudflare.com. When that host does not resolve, turn the
 * fetch off (miniflare's CLOUDFLARE_CF_FETCH_ENABLED) and say so once: `request.cf` then holds
 * a placeholder, which edgekeys does not need.
 */
async function quietOffline() {
  if (process.env.CLOUDFLARE_CF_FETCH_ENABLED !== undefined || process.env.CLOUDFLARE_CF_FETCH_PATH !== undefined) return;
  const online = await Promise.race([
    lookup("workers.cloudflare.com").then(
      () => true,
      () => false,
    ),
    new Promise((resolve) => setTimeout(() => resolve(false), 1500).unref()),
  ]);
  if (!online) {
    childEnv.CLOUDFLARE_CF_FETCH_ENABLED = "false";
    console.log("[dev] offline: Request.cf uses wrangler's placeholder (harmless for edgekeys)");
  }
}

await checkPort();
// /docs serves Swagger UI from public/docs-assets (normally copied by npm install), and /console
// its script built from src/console (rebuilt here, so that an edit shows on the next start).
copyDocsAssets();
await buildConsole();
const vars = await ensureDevVars();
const persistTo = argValue("--persist-to");
const adminToken = varOverride("ADMIN_TOKEN") ?? vars.ADMIN_TOKEN;

const migrated = d1(["migrations", "apply"], "applying the D1 migrations");
const applied = Number(/About to apply (\d+) migration/.exec(migrated)?.[1] ?? 0);
console.log(applied ? `[dev] ✓ D1 migrations applied (${applied} new)` : "[dev] ✓ D1 migrations up to date");

/** The org and owner that `npm run dev` creates on a local database without any org. */
const LOCAL_ORG = { org_name: "local", email: "dev@example.com" };
const autoBootstrap = !remote && !/^(1|true|yes)$/i.test(process.env.EDGEKEYS_DEV_NO_BOOTSTRAP ?? "");
const before = autoBootstrap ? localOrgs() : null;
await quietOffline();

// Locally, webhooks may target http and loopback receivers, and the cron fires on request
// (`/__scheduled?cron=...`, see README "Lifecycle"); a --var given on the command line wins.
const localDefaults = [];
if (!remote && varOverride("WEBHOOK_ALLOW_INSECURE") === undefined) localDefaults.push("--var", "WEBHOOK_ALLOW_INSECURE:true");
if (!remote && !args.includes("--test-scheduled")) localDefaults.push("--test-scheduled");
const child = spawn(wrangler, ["dev", ...args, ...localDefaults, ...envFileArgs], { cwd: root, stdio: "inherit", env: childEnv });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// Wait (bounded) until the Worker answers, then say how to get the first key.
const deadline = Date.now() + 120_000;
while (Date.now() < deadline && child.exitCode === null) {
  try {
    const res = await fetch(`${baseUrl}/healthz`);
    if (res.ok) {
      await printBanner();
      break;
    }
  } catch {}
  await new Promise((resolve) => setTimeout(resolve, 250));
}

/** The bootstrap command; `exportKey` makes it one line that keeps the new key in $EDGEKEYS_KEY. */
function bootstrapCommand(body, exportKey) {
  const curl = `curl -sS -X POST ${baseUrl}/admin/bootstrap \\
     -H 'Authorization: Bearer ${adminToken}' \\
     -H 'Content-Type: application/json' \\
     -d '${JSON.stringify(body)}'`;
  if (!exportKey) return curl;
  return `export EDGEKEYS_KEY=$(${curl} \\
     | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).api_key.key')`;
}

async function createLocalOrg() {
  try {
    const res = await fetch(`${baseUrl}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify(LOCAL_ORG),
    });
    if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
    return await res.json();
  } catch (error) {
    console.error(`[dev] could not create the local org: ${error.message}`);
    return null;
  }
}

async function printBanner() {
  const rule = "──────────────────────────────────────────────────────────────────────";
  const lines = [rule, ` edgekeys is running at ${baseUrl}   (API docs: ${baseUrl}/docs)`, ""];
  const created = before && before.count === 0 ? await createLocalOrg() : null;
  let accountId;
  if (created) {
    accountId = created.org.account_id;
    lines.push(
      ` Created the local org "${created.org.name}" (account id ${accountId}) and its owner`,
      ` ${created.user.email}. Paste this line to keep its API key (shown only now) in your shell:`,
      "",
      `   export EDGEKEYS_KEY=${created.api_key.key}`,
      "",
    );
  } else if (before && before.count > 0) {
    const first = before.orgs[0];
    accountId = first.account_id;
    const names = before.orgs.map((o) => `"${o.name}"`).join(", ") + (before.count > before.orgs.length ? ", …" : "");
    lines.push(
      ` The local database already has ${before.count} org(s): ${names}; none was created.`,
      ` A new API key for an owner of "${first.name}", kept in $EDGEKEYS_KEY (one paste; bootstrap`,
      ` makes ${LOCAL_ORG.email} an owner if it is not one yet):`,
      "",
      `   ${bootstrapCommand({ org_name: first.name, email: LOCAL_ORG.email }, true)}`,
      "",
    );
  }
  if (created || (before && before.count > 0)) {
    lines.push(
      " Then:",
      "",
      `   curl -sS ${baseUrl}/v1/api_key -H "Authorization: Bearer $EDGEKEYS_KEY"`,
      "",
      ` or sign in with the key to the console: ${baseUrl}/console`,
      "",
      ` Gateway mode for this org: stop (Ctrl-C) and restart with`,
      `   npm run dev -- --var ORIGIN_URL:https://your-origin.example --var GATEWAY_ACCOUNT_ID:${accountId}`,
      "",
    );
  }
  lines.push(
    ` Admin token: ${adminToken}`,
    "",
    created || (before && before.count > 0)
      ? " Another org, its owner and an API key:"
      : " Create the first org, its owner and an API key:",
    "",
    `   ${bootstrapCommand({ org_name: "my-org", email: "you@example.com" }, false)}`,
    "",
    ' Then use the returned api_key.key as "Authorization: Bearer <key>".',
    rule,
  );
  console.log(`\n${lines.join("\n")}\n`);
}
