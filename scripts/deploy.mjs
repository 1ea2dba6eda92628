#!/usr/bin/env node
// `npm run deploy [-- --dry-run]`: deploys edgekeys to the Cloudflare account wrangler is logged in
// to (`npx wrangler login`), making only what is missing, so that it can be run again at any time:
//  1. reads what the account has (read-only wrangler calls): the D1 database, the queues named in
//     wrangler.toml, the Worker and the names of its secrets; prints the plan (`--dry-run` stops here);
//  2. creates the missing queues (`wrangler queues create`);
//  3. generates the missing secrets and hands them to `wrangler secret bulk` on stdin: never on a
//     command line, on screen or on disk. A secret the Worker has is never replaced;
//  4. applies the D1 migrations and deploys. `wrangler deploy` creates the D1 database itself when
//     the account has none (automatic provisioning), so on that first run the migrations follow it;
//  5. prints the Worker's URL and the one command that creates the first org (scripts/bootstrap.mjs).
// A run that fails midway says what failed; running it again carries on from there.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outputOf, readWranglerConfig, root, wrangler } from "./wrangler-run.mjs";

const USAGE = "usage: npm run deploy [-- --dry-run]";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`${USAGE}\nCreates what is missing on the Cloudflare account, then deploys; --dry-run prints the plan and changes nothing.`);
  process.exit(0);
}
const unknown = args.filter((arg) => arg !== "--dry-run");
if (unknown.length) fail(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
const dryRun = args.includes("--dry-run");

const log = (line) => console.log(`[deploy] ${line}`);
function fail(message, result) {
  if (result) console.error(outputOf(result));
  console.error(`[deploy] ${message}`);
  process.exit(1);
}

/** Secrets the Worker needs that are random bytes; each made only when the Worker lacks it. */
const RANDOM_SECRETS = {
  TOKEN_PEPPER: 32, // HMAC key of every stored credential hash
  WEBHOOK_ENCRYPTION_KEY: 32, // webhook signing secrets are sealed under it
};

const config = readWranglerConfig();
const db = config.d1[0];
if (!config.name || !db?.binding || !db.database_name)
  fail("wrangler.toml needs a name and a [[d1_databases]] entry with binding and database_name");

// ── 1. What the account has ───────────────────────────────────────────────────────────────────

const who = wrangler(["whoami", "--json"]);
if (!who.ok) fail("not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then `npm run deploy` again", who);
const user = parseJson(who.stdout, "wrangler whoami --json");

const d1List = wrangler(["d1", "list", "--json"]);
if (!d1List.ok) fail("could not list the account's D1 databases", d1List);
const databaseExists = parseJson(d1List.stdout, "wrangler d1 list --json").some((d) => d.name === db.database_name);

const queues = config.queues.map((name) => {
  // `queues info` asks for this one name: `queues list` is a table, one page at a time.
  const info = wrangler(["queues", "info", name]);
  if (info.ok) return { name, exists: true };
  if (/does not exist/i.test(outputOf(info))) return { name, exists: false };
  return fail(`could not look up the queue ${name}`, info);
});

const secretList = wrangler(["secret", "list", "--format", "json"]);
// A Worker that was never deployed has no secrets to list: wrangler says it is not found.
const workerExists = secretList.ok;
if (!secretList.ok && !/Worker "[^"]*"[^\n]* not found/i.test(outputOf(secretList)))
  fail(`could not list the secrets of the Worker ${config.name}`, secretList);
const secrets = new Set(workerExists ? parseJson(secretList.stdout, "wrangler secret list").map((s) => s.name) : []);

// ── The plan ──────────────────────────────────────────────────────────────────────────────────

const toGenerate = Object.keys(RANDOM_SECRETS).filter((name) => !secrets.has(name));
const notes = [];
if (!secrets.has("JWT_PRIVATE_KEY")) {
  // The certificate is of the key: both are made together, or neither.
  if (secrets.has("JWT_CERTIFICATE")) {
    fail(`the Worker has JWT_CERTIFICATE but no JWT_PRIVATE_KEY; a new key would not match that certificate.
[deploy] Delete it (npx wrangler secret delete JWT_CERTIFICATE) and run npm run deploy again: both are then made together.`);
  }
  toGenerate.push("JWT_PRIVATE_KEY", "JWT_CERTIFICATE");
} else if (!secrets.has("JWT_CERTIFICATE")) {
  notes.push(
    "JWT_CERTIFICATE is not set and cannot be made for the existing key (the Worker publishes no certificate; README, Deploying: replacing a secret)",
  );
}
const kept = [...secrets].sort();
const missingQueues = queues.filter((q) => !q.exists).map((q) => q.name);

log(
  `logged in as ${user.email ?? user.authType ?? "an API token"}; Worker "${config.name}"${dryRun ? " (dry run: nothing will change)" : ""}`,
);
const row = (what, state) => console.log(`  ${what.padEnd(30)} ${state}`);
row(`D1 database ${db.database_name}`, databaseExists ? "exists" : "missing: `wrangler deploy` creates it (automatic provisioning)");
if (dryRun) row("  migrations to apply", databaseExists ? pendingMigrations() : "all, once it exists");
for (const q of queues) row(`queue ${q.name}`, q.exists ? "exists" : "missing: to create");
row(`Worker ${config.name}`, workerExists ? "exists" : "missing: `wrangler secret bulk` creates it, `wrangler deploy` fills it");
row("secrets kept as they are", kept.length ? kept.join(", ") : "none");
row("secrets to generate", toGenerate.length ? toGenerate.join(", ") : "none");
if (!secrets.has("ADMIN_TOKEN")) row("ADMIN_TOKEN", "not set: /admin/* answers 404 (npm run bootstrap sets one for a moment)");
const steps = [
  ...missingQueues.map((name) => `wrangler queues create ${name}`),
  ...(toGenerate.length ? ["wrangler secret bulk   (the generated secrets, on stdin)"] : []),
  ...(databaseExists
    ? [`wrangler d1 migrations apply ${db.binding} --remote`, "wrangler deploy"]
    : ["wrangler deploy", `wrangler d1 migrations apply ${db.binding} --remote`]),
];
console.log(`  ${dryRun ? "would run" : "runs"}:`);
for (const [i, step] of steps.entries()) console.log(`    ${i + 1}. ${step}`);
for (const note of notes) log(`note: ${note}`);
if (dryRun) {
  log("dry run: nothing was changed.");
  process.exit(0);
}

// ── 2–4. Make what is missing, migrate, deploy ───────────────────────────────────────────────

/** Runs one changing step; on failure shows wrangler's output and how to carry on. */
function step(what, wranglerArgs, options) {
  const result = wrangler(wranglerArgs, options);
  if (!result.ok)
    fail(
      `${what} failed (wrangler ${wranglerArgs.join(" ")}). Nothing after it ran: fix the cause and run npm run deploy again; it carries on from here.`,
      result,
    );
  return result;
}

for (const name of missingQueues) {
  step(`creating the queue ${name}`, ["queues", "create", name]);
  log(`✓ queue ${name} created`);
}

if (toGenerate.length) {
  const values = Object.fromEntries(
    toGenerate.filter((name) => RANDOM_SECRETS[name]).map((name) => [name, randomBytes(RANDOM_SECRETS[name]).toString("base64url")]),
  );
  if (toGenerate.includes("JWT_PRIVATE_KEY")) {
    // Loaded only here: it brings an X.509 library that nothing else needs.
    const { signingMaterial } = await import("./signing-key.mjs");
    const { jwk, certificate } = await signingMaterial({ alg: "RS256" });
    Object.assign(values, { JWT_PRIVATE_KEY: jwk, JWT_CERTIFICATE: certificate.trim() });
  }
  // One request for all of them (a Worker that does not exist yet is created by it, as a draft
  // that `wrangler deploy` then replaces), so the real code never runs without its secrets.
  step("setting the generated secrets", ["secret", "bulk"], { input: JSON.stringify(values) });
  log(`✓ secrets generated and set: ${toGenerate.join(", ")} (their values exist only on Cloudflare)`);
}

function migrate() {
  const out = step("applying the D1 migrations", ["d1", "migrations", "apply", db.binding, "--remote"]).stdout;
  const applied = Number(/About to apply (\d+) migration/.exec(out)?.[1] ?? 0);
  log(applied ? `✓ D1 migrations applied (${applied} new)` : "✓ D1 migrations up to date");
}

if (databaseExists) migrate();
// What the Worker serves beside itself: Swagger UI's files and the console's script (normally made
// by npm install; built here as by `npm run build`, so that no deploy ships without them).
const { copyDocsAssets } = await import("./docs-assets.mjs");
const { buildConsole } = await import("./console-assets.mjs");
copyDocsAssets();
await buildConsole();
log("deploying (wrangler deploy)…");
// wrangler writes what it deployed, URLs included, as JSON lines to this file (its own
// machine-readable output); the text on stdout is the fallback.
const outputDir = mkdtempSync(join(tmpdir(), "edgekeys-deploy-"));
let url;
try {
  const outputFile = join(outputDir, "wrangler-output.json");
  const deployed = step("wrangler deploy", ["deploy"], { env: { WRANGLER_OUTPUT_FILE_PATH: outputFile } });
  url = deployedUrl(outputFile, deployed.stdout);
} finally {
  rmSync(outputDir, { recursive: true, force: true });
}
log(`✓ deployed${url ? ` to ${url}` : ""}`);
if (!databaseExists) migrate();

// ── 5. Where it is, and the first org ─────────────────────────────────────────────────────────

const base = url ?? `https://${config.name}.<your-subdomain>.workers.dev`;
const rule = "──────────────────────────────────────────────────────────────────────";
console.log(`
${rule}
 edgekeys is deployed at ${base}   (API docs: ${base}/docs)
${url ? "" : " (wrangler reported no URL; use the Worker's route or workers.dev address)\n"}
 Create the first org, its owner and an API key (shown once):

   npm run bootstrap -- --url ${base} --org my-org --email you@example.com

 Run npm run deploy again after any change: it creates nothing twice and keeps every secret.
${rule}
`);

// ── Helpers ───────────────────────────────────────────────────────────────────────────────────

function parseJson(text, what) {
  // wrangler may print a banner or warnings before the JSON.
  const start = text.search(/^\s*[[{]/m);
  try {
    return JSON.parse(text.slice(Math.max(start, 0)));
  } catch {
    return fail(`could not read the output of ${what}:\n${text}`);
  }
}

/** The URL `wrangler deploy` reported: from its output file, else the first https URL it printed. */
function deployedUrl(outputFile, stdout) {
  try {
    for (const line of readFileSync(outputFile, "utf8").split("\n")) {
      const entry = line.trim() ? JSON.parse(line) : null;
      // Its targets also name the cron schedule and the queues; the URL is the one with a scheme.
      const target = entry?.type === "deploy" ? entry.targets?.find((t) => /^https?:\/\//.test(t)) : undefined;
      if (target) return target;
    }
  } catch {}
  return /https:\/\/[^\s"'<>]+/.exec(stdout)?.[0];
}

/** The migrations not yet applied to the remote database (a read-only query of wrangler's table). */
function pendingMigrations() {
  const files = readdirSync(join(root, db.migrations_dir ?? "migrations"))
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const query = wrangler(["d1", "execute", db.binding, "--remote", "--json", "--command", "SELECT name FROM d1_migrations ORDER BY id"]);
  let applied = [];
  if (query.ok)
    applied = parseJson(query.stdout, "wrangler d1 execute")
      .flatMap((r) => r.results ?? [])
      .map((r) => r.name);
  else if (!/no such table/i.test(outputOf(query))) return "unknown (could not read them)";
  const pending = files.filter((f) => !applied.includes(f));
  return pending.length ? `${pending.length}: ${pending.join(", ")}` : "none";
}
