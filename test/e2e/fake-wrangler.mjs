#!/usr/bin/env node
// A stand-in for wrangler, for the deploy tests (EDGEKEYS_WRANGLER points here): it answers the
// commands scripts/deploy.mjs and scripts/bootstrap.mjs run, as wrangler 4.156 does, against a
// simulated Cloudflare account kept in the JSON file FAKE_WRANGLER_STATE, and records every call.
// A secret it is given is never kept: only its length, its SHA-256, the SHA-256 of each aligned
// 16-character piece (so that a test can find the value, or a long part of it, in any text without
// knowing it) and what its shape says (a JWK's alg, a certificate of that key). `failOnce` lists
// commands (argv prefixes) that fail the next time they run, changing nothing, to test a rerun.
import { createHash, X509Certificate } from "node:crypto";
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const statePath = process.env.FAKE_WRANGLER_STATE;
if (!statePath) throw new Error("FAKE_WRANGLER_STATE is not set");
const state = JSON.parse(readFileSync(statePath, "utf8"));
const argv = process.argv.slice(2);
const stdin = readStdin();
const call = { argv, stdin: stdin !== "", status: 0 };
state.calls.push(call);

const WORKER = "edgekeys";
const DB = { binding: "DB", name: "edgekeys" };
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const has = (...prefix) => prefix.every((word, i) => argv[i] === word);
const option = (name) => argv[argv.indexOf(name) + 1];

function finish(status, out = "", err = "") {
  call.status = status;
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  if (out) process.stdout.write(`${out}\n`);
  if (err) process.stderr.write(`✘ [ERROR] ${err}\n`);
  process.exit(status);
}

function readStdin() {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return ""; // stdin closed
  }
}

/** What a test may know of a secret: never the value. */
function record(name, value) {
  // Pieces in the base64 alphabets only: the random part of every secret. A JWK's `{"kty":"RSA",`
  // or a PEM's header are not secret, and could match harmless text.
  const pieces = [];
  for (let i = 0; i + 16 <= value.length; i += 16) {
    if (/^[A-Za-z0-9+/=_-]{16}$/.test(value.slice(i, i + 16))) pieces.push(sha256(value.slice(i, i + 16)));
  }
  const entry = { sha256: sha256(value), length: value.length, pieces, version: state.versions };
  if (name === "JWT_PRIVATE_KEY") {
    const jwk = JSON.parse(value);
    entry.shape = { kty: jwk.kty, alg: jwk.alg, kid: typeof jwk.kid === "string", private: typeof jwk.d === "string" };
  }
  if (name === "JWT_CERTIFICATE") entry.shape = { pem: /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----$/.test(value) };
  state.secrets[name] = entry;
}

/** Whether the certificate just set is of the private key just set (checked while both are in memory). */
function certificateMatches(values) {
  if (!values.JWT_PRIVATE_KEY || !values.JWT_CERTIFICATE) return undefined;
  const publicJwk = new X509Certificate(values.JWT_CERTIFICATE).publicKey.export({ format: "jwk" });
  return publicJwk.n === JSON.parse(values.JWT_PRIVATE_KEY).n;
}

function putSecrets(values) {
  call.secrets = Object.keys(values);
  if (!state.worker) {
    state.worker = { deployed: false };
    console.log(`🌀 Creating new Worker "${WORKER}"...`);
  }
  state.versions += 1;
  const matches = certificateMatches(values);
  for (const [name, value] of Object.entries(values)) record(name, value);
  if (matches !== undefined) state.secrets.JWT_CERTIFICATE.shape.matchesKey = matches;
}

const failing = state.failOnce.findIndex((prefix) => has(...prefix.split(" ")));
if (failing >= 0) {
  state.failOnce.splice(failing, 1);
  finish(1, "", "A request to the Cloudflare API failed. (simulated) [code: 10013]");
}

if (has("whoami", "--json")) {
  if (!state.loggedIn) finish(1, JSON.stringify({ loggedIn: false }));
  finish(
    0,
    JSON.stringify({
      loggedIn: true,
      authType: "OAuth Token",
      email: "owner@example.com",
      accounts: [{ id: "0123456789abcdef0123456789abcdef", name: "Example" }],
    }),
  );
}
if (has("d1", "list", "--json"))
  finish(0, JSON.stringify(state.databases.map((name) => ({ uuid: sha256(name).slice(0, 32), name, version: "production" }))));
if (has("d1", "execute", DB.binding) && argv.includes("--remote")) {
  if (!state.databases.includes(DB.name)) finish(1, "", `Couldn't find a D1 DB named '${DB.name}' (bound as '${DB.binding}') in the API.`);
  if (!/^SELECT name FROM d1_migrations/.test(option("--command"))) finish(2, "", "the stand-in runs only the migrations query");
  if (!state.migrations.length) finish(1, "", "no such table: d1_migrations: SQLITE_ERROR [code: 7500]");
  finish(0, JSON.stringify([{ results: state.migrations.map((name) => ({ name })), success: true, meta: {} }]));
}
if (has("d1", "migrations", "apply", DB.binding, "--remote")) {
  if (!state.databases.includes(DB.name)) finish(1, "", `Couldn't find a D1 DB named '${DB.name}' (bound as '${DB.binding}') in the API.`);
  const pending = readdirSync(join(process.cwd(), "migrations"))
    .filter((f) => f.endsWith(".sql") && !state.migrations.includes(f))
    .sort();
  if (!pending.length) finish(0, "✅ No migrations to apply!");
  state.migrations.push(...pending);
  finish(0, `Migrations to be applied:\n? About to apply ${pending.length} migration(s)\n${pending.map((f) => `${f} ✅`).join("\n")}`);
}
if (has("queues", "info")) {
  if (!state.queues.includes(argv[2]))
    finish(1, "", `Queue "${argv[2]}" does not exist. To create it, run: wrangler queues create ${argv[2]}`);
  finish(0, `Queue Name: ${argv[2]}\nQueue ID: ${sha256(argv[2]).slice(0, 32)}`);
}
if (has("queues", "create")) {
  if (state.queues.includes(argv[2])) finish(1, "", "A request to the Cloudflare API failed. Queue name already taken [code: 11009]");
  state.queues.push(argv[2]);
  finish(0, `🌀 Creating queue '${argv[2]}'\n✅ Created queue '${argv[2]}'`);
}
if (has("secret", "list", "--format", "json")) {
  if (!state.worker) finish(1, "", `Worker "${WORKER}" not found.\n\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`);
  finish(0, JSON.stringify(Object.keys(state.secrets).map((name) => ({ name, type: "secret_text" }))));
}
if (has("secret", "bulk") && argv.length === 2) {
  const values = JSON.parse(stdin);
  putSecrets(values);
  finish(
    0,
    Object.keys(values)
      .map((name) => `✨ Successfully created secret for key: ${name}`)
      .join("\n"),
  );
}
if (has("secret", "put") && argv.length === 3) {
  putSecrets({ [argv[2]]: stdin.replace(/\s+$/, "") });
  finish(0, `✨ Success! Uploaded secret ${argv[2]}`);
}
if (has("secret", "delete") && argv.length === 3) {
  state.versions += 1;
  delete state.secrets[argv[2]];
  finish(0, `✨ Success! Deleted secret ${argv[2]}`);
}
if (has("deploy") && argv.length === 1) {
  // wrangler before automatic queue provisioning refused a config naming a missing queue.
  const missing = ["edgekeys-webhooks", "edgekeys-webhooks-dlq"].find((q) => !state.queues.includes(q));
  if (missing) finish(1, "", `Queue "${missing}" does not exist. To create it, run: wrangler queues create ${missing}`);
  const lines = [];
  if (!state.databases.includes(DB.name)) {
    state.databases.push(DB.name); // automatic provisioning: the binding names a database the account lacks
    lines.push(
      `Provisioning ${DB.binding} (D1 Database)...`,
      `🌀 Creating new D1 Database "${DB.name}"...`,
      `✨ ${DB.binding} provisioned 🎉`,
    );
  }
  state.worker = { deployed: true };
  state.versions += 1;
  state.deploys += 1;
  if (process.env.WRANGLER_OUTPUT_FILE_PATH) {
    appendFileSync(
      process.env.WRANGLER_OUTPUT_FILE_PATH,
      `${JSON.stringify({ type: "deploy", version: 1, worker_name: WORKER, targets: ["schedule: */5 * * * *", state.url, "Producer for edgekeys-webhooks"] })}\n`,
    );
  }
  finish(
    0,
    [
      ...lines,
      `Uploaded ${WORKER} (1.00 sec)`,
      `Deployed ${WORKER} triggers (0.50 sec)`,
      `  ${state.url}`,
      "  schedule: */5 * * * *",
      `Current Version ID: v${state.versions}`,
    ].join("\n"),
  );
}
finish(2, "", `the stand-in does not know \`wrangler ${argv.join(" ")}\``);
