/**
 * `npm run deploy` and `npm run bootstrap` against a stand-in wrangler (fake-wrangler.mjs) that
 * simulates a Cloudflare account in a temp file: fresh, half-provisioned, fully provisioned, a
 * failure midway. Checked: the calls and their order, that nothing is made twice and no secret
 * replaced, `--dry-run` changing nothing, and that no secret value reaches the scripts' output,
 * a command line or any file written meanwhile (found through the stand-in's piece hashes).
 * Needs no Worker and no network beyond a loopback stand-in for the deployed one.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readWranglerConfig } from "../../scripts/wrangler-run.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const FAKE = join(ROOT, "test/e2e/fake-wrangler.mjs");
const MIGRATIONS = readdirSync(join(ROOT, "migrations"))
  .filter((f) => f.endsWith(".sql"))
  .sort();
const QUEUES = ["edgekeys-webhooks", "edgekeys-webhooks-dlq", "edgekeys-usage"];
const GENERATED = ["JWT_CERTIFICATE", "JWT_PRIVATE_KEY", "TOKEN_PEPPER", "WEBHOOK_ENCRYPTION_KEY"];
const SURVEY = ["whoami --json", "d1 list --json", ...QUEUES.map((q) => `queues info ${q}`), "secret list --format json"];
const URL_ = "https://edgekeys.example.workers.dev";

interface Secret {
  sha256: string;
  length: number;
  pieces: string[];
  version: number;
  shape?: Record<string, unknown>;
}
interface Call {
  argv: string[];
  stdin: boolean;
  status: number;
  secrets?: string[];
}
interface State {
  loggedIn: boolean;
  databases: string[];
  queues: string[];
  worker: { deployed: boolean } | null;
  secrets: Record<string, Secret>;
  migrations: string[];
  versions: number;
  deploys: number;
  url: string;
  failOnce: string[];
  calls: Call[];
}
const FRESH: State = {
  loggedIn: true,
  databases: [],
  queues: [],
  worker: null,
  secrets: {},
  migrations: [],
  versions: 0,
  deploys: 0,
  url: URL_,
  failOnce: [],
  calls: [],
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** A secret the account already has, as the stand-in records it. */
const preset = (value: string): Secret => ({ sha256: sha256(value), length: value.length, pieces: [], version: 0 });

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function account(overrides: Partial<State> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "edgekeys-deploy-test-"));
  dirs.push(dir);
  const path = join(dir, "account.json");
  writeFileSync(path, JSON.stringify({ ...structuredClone(FRESH), ...overrides }));
  const state = (): State => JSON.parse(readFileSync(path, "utf8"));
  return { dir, path, state, started: Date.now(), outputs: [] as string[] };
}
type Account = ReturnType<typeof account>;

function env(acc: Account, extra: Record<string, string> = {}) {
  const vars: Record<string, string | undefined> = {
    ...process.env,
    EDGEKEYS_WRANGLER: FAKE,
    FAKE_WRANGLER_STATE: acc.path,
    TMPDIR: acc.dir,
    ...extra,
  };
  if (!extra.ADMIN_TOKEN) delete vars.ADMIN_TOKEN; // never the developer's
  return vars;
}

/**
 * Runs a script against the account (asynchronously: a stand-in Worker may have to answer from
 * this process); returns its exit status, its output and the wrangler calls it made.
 */
function runScript(acc: Account, script: string, args: string[], extraEnv: Record<string, string> = {}) {
  const before = acc.state().calls.length;
  const child = spawn(process.execPath, [join(ROOT, "scripts", script), ...args], { cwd: ROOT, env: env(acc, extraEnv) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise<{ status: number | null; stdout: string; stderr: string; calls: Call[]; commands: string[] }>((done) =>
    child.on("close", (status) => {
      acc.outputs.push(stdout, stderr);
      const calls = acc.state().calls.slice(before);
      done({ status, stdout, stderr, calls, commands: calls.map((c) => c.argv.join(" ")) });
    }),
  );
}
const deploy = (acc: Account, args: string[] = []) => runScript(acc, "deploy.mjs", args);
const bootstrap = (acc: Account, url: string, extraEnv: Record<string, string> = {}) =>
  runScript(acc, "bootstrap.mjs", ["--url", url, "--org", "acme", "--email", "owner@example.com"], extraEnv);

/** Every 16-character base64 window of `text` whose hash is a piece of one of `secrets`. */
function leaks(secrets: Record<string, Secret>, texts: Record<string, string>): string[] {
  const pieces = new Map(Object.entries(secrets).flatMap(([name, s]) => s.pieces.map((p) => [p, name] as const)));
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const run of text.matchAll(/[A-Za-z0-9+/=_-]{16,}/g)) {
      for (let i = 0; i + 16 <= run[0].length; i++) {
        const name = pieces.get(sha256(run[0].slice(i, i + 16)));
        if (name) found.push(`${name} in ${where}`);
      }
    }
  }
  return [...new Set(found)];
}

/** The text of each file under `dir` changed since `since` (node_modules and .git aside: nothing here writes there). */
function changedTexts(dir: string, since: number): [string, string][] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): [string, string][] => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" || entry.name === ".git" ? [] : changedTexts(path, since);
    try {
      return entry.isFile() && statSync(path).mtimeMs >= since - 1000 ? [[path, readFileSync(path, "latin1")]] : [];
    } catch {
      return []; // gone meanwhile (wrangler's temporary files come and go)
    }
  });
}

/** No value of `secrets` in what the scripts printed, in any command line, or in a file written since the account was made. */
function expectNoLeak(acc: Account, secrets = acc.state().secrets) {
  const texts = Object.fromEntries([
    ["output", acc.outputs.join("\n")],
    ["command lines", JSON.stringify(acc.state().calls.map((c) => c.argv))],
    ...changedTexts(ROOT, acc.started),
    ...changedTexts(acc.dir, 0),
  ]);
  expect(Object.values(secrets).some((s) => s.pieces.length > 0)).toBe(true); // the check can see something
  expect(leaks(secrets, texts)).toEqual([]);
}

describe("npm run deploy", () => {
  it("on a fresh account creates the queues, sets the generated secrets on stdin, deploys (D1 provisioned), then migrates; a second run creates nothing", async () => {
    const acc = account();
    const first = await deploy(acc);
    expect(first.status, first.stderr).toBe(0);
    expect(first.commands).toEqual([
      ...SURVEY,
      ...QUEUES.map((q) => `queues create ${q}`),
      "secret bulk",
      "deploy",
      "d1 migrations apply DB --remote",
    ]);
    expect(first.calls.filter((c) => c.stdin).map((c) => c.argv.join(" "))).toEqual(["secret bulk"]);
    const state = acc.state();
    expect(state).toMatchObject({
      databases: ["edgekeys"],
      queues: QUEUES,
      migrations: MIGRATIONS,
      deploys: 1,
      worker: { deployed: true },
    });
    expect(Object.keys(state.secrets).sort()).toEqual(GENERATED); // no ADMIN_TOKEN: npm run bootstrap makes a one-time one
    expect(state.secrets.JWT_PRIVATE_KEY!.shape).toMatchObject({ kty: "RSA", alg: "RS256", private: true });
    expect(state.secrets.JWT_CERTIFICATE!.shape).toEqual({ pem: true, matchesKey: true });
    expect(state.secrets.TOKEN_PEPPER!.length).toBeGreaterThanOrEqual(43);
    expect(first.stdout).toContain(`edgekeys is deployed at ${URL_}`);
    expect(first.stdout).toContain(`npm run bootstrap -- --url ${URL_} --org my-org --email you@example.com`);

    const second = await deploy(acc);
    expect(second.status, second.stderr).toBe(0);
    expect(second.commands).toEqual([...SURVEY, "d1 migrations apply DB --remote", "deploy"]);
    expect(acc.state().secrets).toEqual(state.secrets);
    expect(acc.state()).toMatchObject({ databases: ["edgekeys"], queues: QUEUES, deploys: 2 });
    expect(second.stdout).toContain("✓ D1 migrations up to date");
    expectNoLeak(acc);
  });

  it("on a half-provisioned account makes only what is missing and keeps the secrets it has", async () => {
    const kept = { TOKEN_PEPPER: preset("an-old-pepper-0123456789abcdef"), ADMIN_TOKEN: preset("an-admin-token-of-the-user") };
    const acc = account({
      databases: ["edgekeys"],
      queues: [QUEUES[0]!],
      worker: { deployed: true },
      secrets: structuredClone(kept),
      migrations: MIGRATIONS.slice(0, 5),
    });
    const run = await deploy(acc);
    expect(run.status, run.stderr).toBe(0);
    expect(run.commands).toEqual([
      ...SURVEY,
      ...QUEUES.slice(1).map((q) => `queues create ${q}`),
      "secret bulk",
      "d1 migrations apply DB --remote",
      "deploy",
    ]);
    expect(run.calls.find((c) => c.argv[1] === "bulk")!.secrets).toEqual(["WEBHOOK_ENCRYPTION_KEY", "JWT_PRIVATE_KEY", "JWT_CERTIFICATE"]);
    const state = acc.state();
    expect(state.secrets).toMatchObject(kept);
    expect(state).toMatchObject({ queues: QUEUES, migrations: MIGRATIONS, deploys: 1 });
    expect(run.stdout).toMatch(/secrets kept as they are\s+ADMIN_TOKEN, TOKEN_PEPPER/);
    expect(run.stdout).toContain(`D1 migrations applied (${MIGRATIONS.length - 5} new)`);
    expectNoLeak(acc);
  });

  it.each([
    ["queues create edgekeys-webhooks-dlq", { queues: QUEUES.slice(0, 1), worker: null, deploys: 0 }, []],
    ["secret bulk", { queues: QUEUES, worker: null, deploys: 0 }, []],
    ["d1 migrations apply", { queues: QUEUES, databases: ["edgekeys"], deploys: 1, migrations: [] }, GENERATED],
  ])("stops where `%s` fails, and a rerun completes without making anything twice", async (failing, stoppedAt, secretsSet) => {
    const acc = account({ failOnce: [failing] });
    const first = await deploy(acc);
    expect(first.status).toBe(1);
    expect(first.stderr).toContain("run npm run deploy again; it carries on from here");
    expect(first.stderr).toContain("(simulated)"); // wrangler's own message is shown
    expect(acc.state()).toMatchObject(stoppedAt);
    expect(Object.keys(acc.state().secrets).sort()).toEqual(secretsSet);

    const rerun = await deploy(acc);
    expect(rerun.status, rerun.stderr).toBe(0);
    const state = acc.state();
    expect(state).toMatchObject({ databases: ["edgekeys"], queues: QUEUES, migrations: MIGRATIONS, worker: { deployed: true } });
    expect(Object.keys(state.secrets).sort()).toEqual(GENERATED);
    const all = state.calls.map((c) => `${c.argv.join(" ")} =${c.status}`);
    for (const q of QUEUES) expect(all.filter((c) => c === `queues create ${q} =0`)).toHaveLength(1);
    expect(all.filter((c) => c === "secret bulk =0")).toHaveLength(1);
    // Once the database exists, the migrations come before the code that needs them.
    if (failing === "d1 migrations apply") expect(rerun.commands.slice(-2)).toEqual(["d1 migrations apply DB --remote", "deploy"]);
    expectNoLeak(acc);
  });

  it.each([
    ["a fresh account", {}, /secrets to generate\s+TOKEN_PEPPER, WEBHOOK_ENCRYPTION_KEY, JWT_PRIVATE_KEY, JWT_CERTIFICATE/],
    [
      "a half-provisioned one",
      {
        databases: ["edgekeys"],
        queues: QUEUES,
        worker: { deployed: true },
        secrets: { TOKEN_PEPPER: preset("p-0123456789abcdef") },
        migrations: MIGRATIONS.slice(0, 3),
      },
      /migrations to apply\s+\d+: 0004_/,
    ],
  ])("--dry-run on %s prints the plan through read-only calls and changes nothing", async (_name, overrides, plan) => {
    const acc = account(overrides);
    const { calls: _calls, ...before } = acc.state();
    const run = await deploy(acc, ["--dry-run"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(plan);
    expect(run.stdout).toContain("would run:");
    expect(run.stdout).toContain("dry run: nothing was changed.");
    const readOnly =
      /^(whoami --json|d1 list --json|queues info \S+|secret list --format json|d1 execute DB --remote --json --command SELECT name FROM d1_migrations ORDER BY id)$/;
    for (const command of run.commands) expect(command).toMatch(readOnly);
    const { calls, ...after } = acc.state();
    expect(after).toEqual(before);
    expect(calls.every((c) => !c.stdin)).toBe(true);
  });

  it("says to log in, and does nothing else, when wrangler is not logged in", async () => {
    const acc = account({ loggedIn: false });
    const run = await deploy(acc);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("run `npx wrangler login`");
    expect(run.commands).toEqual(["whoami --json"]);
  });

  it("refuses to make a signing key that would not match the certificate the Worker has", async () => {
    const acc = account({ worker: { deployed: true }, secrets: { JWT_CERTIFICATE: preset("-----BEGIN CERTIFICATE-----") } });
    const run = await deploy(acc);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("npx wrangler secret delete JWT_CERTIFICATE");
    expect(run.commands).toEqual(SURVEY);
  });

  it("reads wrangler.toml as wrangler does", async () => {
    const { unstable_readConfig } = await import("wrangler");
    // Typed here by the fields compared: wrangler types its config from @cloudflare/workers-utils, which it bundles rather than installs.
    const theirs = unstable_readConfig({ config: join(ROOT, "wrangler.toml") }) as unknown as {
      name: string;
      d1_databases: { binding: string; database_name: string; migrations_dir: string }[];
      queues: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
    };
    const ours = readWranglerConfig();
    expect(ours.name).toBe(theirs.name);
    expect(ours.d1).toEqual(
      theirs.d1_databases.map((d) => ({ binding: d.binding, database_name: d.database_name, migrations_dir: d.migrations_dir })),
    );
    const producers = (theirs.queues.producers ?? []).map((p) => p.queue);
    const consumers = (theirs.queues.consumers ?? []).flatMap((c) => (c.dead_letter_queue ? [c.queue, c.dead_letter_queue] : [c.queue]));
    const queues = [...producers, ...consumers];
    expect(ours.queues).toEqual([...new Set(queues)]);
    expect(ours.queues).toEqual(QUEUES);
  });
});

/** A stand-in for the deployed Worker's /admin/bootstrap: `answers` in turn, then the last one again. */
async function fakeWorker(acc: Account, answers: number[], expectedToken?: string) {
  const seen: { status: number; authorized: boolean; token?: Secret }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      const token = acc.state().secrets.ADMIN_TOKEN;
      const authorized = expectedToken ? bearer === expectedToken : token?.sha256 === sha256(bearer);
      const status = answers[Math.min(seen.length, answers.length - 1)]!;
      seen.push({ status, authorized, token });
      if (status !== 200 || !authorized) return res.writeHead(authorized ? status : 401).end(JSON.stringify({ error: "no" }));
      const { org_name, email } = JSON.parse(body);
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          org: { id: "o", name: org_name, account_id: "0".repeat(32) },
          user: { email },
          api_key: { key: "sk-the-first-key" },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() };
}

describe("npm run bootstrap", () => {
  const deployed = () =>
    account({
      databases: ["edgekeys"],
      queues: QUEUES,
      worker: { deployed: true },
      secrets: { TOKEN_PEPPER: preset("p-0123456789abcdef") },
      migrations: MIGRATIONS,
    });

  it("sets a one-time ADMIN_TOKEN on stdin, waits until it is live, prints the first key and deletes the token", async () => {
    const acc = deployed();
    const worker = await fakeWorker(acc, [404, 200]); // the first answer comes from the version before the token
    const run = await bootstrap(acc, worker.url);
    worker.close();
    expect(run.status, run.stderr).toBe(0);
    expect(run.commands).toEqual(["secret list --format json", "secret put ADMIN_TOKEN", "secret delete ADMIN_TOKEN"]);
    expect(run.calls[1]!.stdin).toBe(true);
    expect(worker.seen.map((s) => s.status)).toEqual([404, 200]);
    expect(worker.seen.at(-1)!.authorized).toBe(true);
    expect(acc.state().secrets.ADMIN_TOKEN).toBeUndefined();
    expect(run.stdout).toContain("export EDGEKEYS_KEY=sk-the-first-key");
    expectNoLeak(acc, { ADMIN_TOKEN: worker.seen.at(-1)!.token! });
  });

  it("deletes the one-time token when the bootstrap fails", async () => {
    const acc = deployed();
    const worker = await fakeWorker(acc, [500]);
    const run = await bootstrap(acc, worker.url);
    worker.close();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("answered 500");
    expect(run.commands.at(-1)).toBe("secret delete ADMIN_TOKEN");
    expect(acc.state().secrets.ADMIN_TOKEN).toBeUndefined();
  });

  it("never replaces an ADMIN_TOKEN the Worker has, and uses one given in the environment without touching secrets", async () => {
    const acc = deployed();
    const theirs = "the-users-own-admin-token";
    writeFileSync(acc.path, JSON.stringify({ ...acc.state(), secrets: { ...acc.state().secrets, ADMIN_TOKEN: preset(theirs) } }));
    const worker = await fakeWorker(acc, [200], theirs);
    const refused = await bootstrap(acc, worker.url);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("already has an ADMIN_TOKEN");
    expect(refused.commands).toEqual(["secret list --format json"]);

    const given = await bootstrap(acc, worker.url, { ADMIN_TOKEN: theirs });
    worker.close();
    expect(given.status, given.stderr).toBe(0);
    expect(given.commands).toEqual([]);
    expect(acc.state().secrets.ADMIN_TOKEN).toEqual(preset(theirs));
  });
});
