#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --out path] [-- --update-doc] [-- --chart-only]`
//
// Starts the Worker locally on 127.0.0.1 (minified build, local D1 and Durable Objects, the
// rate limiter on, BENCH_METRICS on), seeds what the scenarios need, and drives every scenario
// with autocannon in interleaved rounds (round 1 runs each scenario once, then round 2, ...).
// Reports per scenario the median over rounds of requests/s, p50 and p99 with their spread
// (min–max), the server's CPU time per request (utime+stime of the Worker's workerd processes),
// HTTP errors, and the lines the Worker logged at error level; the ratios against the `ceiling`
// route (one DO round trip plus the CPU of an authentication: see src/bench/ceiling-route.ts) and
// against the no-op route; and D1 statements / DO calls per steady authenticated request. Writes
// results.json and an SVG chart, prints a markdown table, and stops everything it started.
// Exits non-zero when the Worker logged any error during the run (after writing the results).
import { randomUUID } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import autocannon from "autocannon";
import { d1, newStateDir, root, startWorker } from "../scripts/local-worker.mjs";
import { simulateUsage } from "./usage-sim.mjs";
import { benchVars } from "./worker-vars.mjs";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const outIndex = argv.indexOf("--out");
const out = outIndex >= 0 ? argv[outIndex + 1] : join(root, "bench", "results.json");
const updateDoc = argv.includes("--update-doc");

// 10 scenarios × rounds × (warm-up + measured seconds) + a settle after each round's writes: about
// 110 s of load with --quick, 400 s in a full run, plus seeding and start-up. More, shorter rounds
// than before: on a shared 2-core machine the noise is per run (another tenant's burst), so CPU is
// judged on many runs pooled and paired with the ceiling's run of the same round, not on 3 medians.
const settings = quick
  ? { rounds: 5, seconds: 2, warmup: 0.5, settle: 1, connections: 16, bigOrgKeys: 10_000 }
  : { rounds: 8, seconds: 4, warmup: 1, settle: 1, connections: 16, bigOrgKeys: 100_000 };
/** The authentications judged against the ceiling, by CPU per request and by throughput. */
const VERIFY = ["verify_access_token", "verify_api_key", "verify_scoped_key"];
const ADMIN_TOKEN = `bench-${randomUUID()}`;
const log = (...args) => console.error("[bench]", ...args);
const GATEWAY_HOST = "gateway.bench.test";

/** Seeds an org, its owner and `count` API keys straight into local D1 (one statement, generated rows). */
function seedOrg(stateDir, n, name, count) {
  const hex = n.toString(16).padStart(4, "0");
  const orgId = `01900000-${hex}-7000-8000-000000000000`;
  const userId = `01900000-${hex}-7000-8000-000000000001`;
  const now = Date.now();
  d1(stateDir, [
    "execute",
    "DB",
    "--command",
    [
      `INSERT INTO orgs (id, name, created_at) VALUES ('${orgId}', '${name}', ${now});`,
      `INSERT INTO principals (id, kind, email, created_at) VALUES ('${userId}', 'user', '${name}@bench.example', ${now});`,
      `INSERT INTO memberships (org_id, principal_id, role, created_at) VALUES ('${orgId}', '${userId}', 'owner', ${now});`,
      `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count})
       INSERT INTO credentials (id, kind, org_id, principal_id, name, preview, secret_hash, hash_version, created_at, updated_at)
       SELECT printf('01900001-${hex}-7000-8000-%012x', i), 'api_key', '${orgId}', '${userId}', 'seeded-' || i, 'sk-****seed',
              randomblob(32), 1, ${now} - i, ${now} - i FROM seq;`,
    ].join("\n"),
  ]);
  return { orgName: name, email: `${name}@bench.example` };
}

async function json(res) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text);
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spread = (xs) => [Math.min(...xs), Math.max(...xs)];

// ---- Server CPU: utime + stime of the Worker's processes, from /proc ----------------------------

/** Clock ticks per second of /proc/<pid>/stat's times (usually 100, i.e. 10 ms a tick). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** pid, name, parent and CPU ticks (utime + stime, all threads) of a process; null once it is gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name is in parentheses and may hold spaces or parentheses: fields start after the last ")".
    const close = text.lastIndexOf(")");
    const fields = text.slice(close + 2).split(" ");
    return { pid, comm: text.slice(text.indexOf("(") + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/**
 * The processes the bench started, found by walking /proc's parent links down from this process:
 * `node scripts/dev.mjs` (its own process group), wrangler's node, esbuild, and the workerd
 * processes that run the Worker, its Durable Objects, local D1 and wrangler's proxy.
 */
function descendants() {
  const all = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .map(procStat)
    .filter(Boolean);
  const tree = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => p.pid !== process.pid && tree.has(p.pid));
}

/** Ticks of the given pids now. */
const cpuSnapshot = (pids) => new Map(pids.map((pid) => [pid, procStat(pid)?.ticks ?? Number.NaN]));
/** Milliseconds of CPU used between two snapshots by the pids of `before`. */
const cpuMs = (before, after) => {
  let ticks = 0;
  for (const [pid, t] of before) ticks += after.get(pid) - t;
  return (ticks * 1000) / CLK_TCK;
};

// ---- Worker errors: lines it logged at error level ----------------------------------------------

const ERROR_LINE = /✘ \[ERROR\]|Error:|Uncaught|rate limiter unreachable|background write failed/;
// wrangler's own start-up warning when it cannot fetch `Request.cf` offline: not the Worker's.
const NOT_THE_WORKER = /Unable to fetch the `Request\.cf` object|getaddrinfo ENOTFOUND workers\.cloudflare\.com/;
const ANSI = /\x1b\[[0-9;]*m/g;

function errorLines(text) {
  return text
    .replace(ANSI, "")
    .split("\n")
    .filter((line) => ERROR_LINE.test(line) && !NOT_THE_WORKER.test(line));
}

// ---- Load ---------------------------------------------------------------------------------------

/**
 * Runs one scenario once: a warm-up, then a measured run; latencies are collected per response
 * (sub-ms), and the Worker's CPU counters are read right before and right after the measured run.
 */
async function measure(name, ctx, { path = "/", ...request }) {
  const base = { url: `${ctx.baseUrl}${path}`, connections: settings.connections, ...request };
  const logFrom = ctx.worker.log().length;
  await new Promise((resolve, reject) => {
    const warm = autocannon({ ...base, duration: settings.warmup }, (err) => (err ? reject(err) : resolve()));
    warm.on("error", reject);
  });
  const latencies = [];
  const workerd = cpuSnapshot(ctx.workerdPids);
  const others = cpuSnapshot(ctx.otherPids);
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon({ ...base, duration: settings.seconds }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  const workerdMs = cpuMs(workerd, cpuSnapshot(ctx.workerdPids));
  const othersMs = cpuMs(others, cpuSnapshot(ctx.otherPids));
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const served = Math.max(1, result.requests.total);
  const workerErrors = errorLines(ctx.worker.log().slice(logFrom));
  const run = {
    rps: round(result.requests.total / result.duration),
    p50_ms: round(pct(50), 3),
    p99_ms: round(pct(99), 3),
    cpu_ms_per_request: round(workerdMs / served, 3),
    cpu_ms: round(workerdMs, 1),
    other_cpu_ms_per_request: round(othersMs / served, 3),
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    worker_errors: workerErrors.length,
  };
  log(name, JSON.stringify(run));
  for (const line of workerErrors.slice(0, 3)) log(`  worker error: ${line.trim()}`);
  return run;
}

/** The median over rounds of each figure, its spread (min–max), and the rounds themselves. */
function summarise(runs) {
  const pick = (key) => runs.map((r) => r[key]);
  return {
    rps: round(median(pick("rps"))),
    p50_ms: round(median(pick("p50_ms")), 3),
    p99_ms: round(median(pick("p99_ms")), 3),
    cpu_ms_per_request: round(median(pick("cpu_ms_per_request")), 3),
    // All rounds' CPU over all rounds' requests: a burst of someone else's load weighs as much as it lasted.
    cpu_ms_per_request_pooled: round(
      pick("cpu_ms").reduce((a, b) => a + b, 0) /
        Math.max(
          1,
          pick("requests").reduce((a, b) => a + b, 0),
        ),
      3,
    ),
    // wrangler's node process, esbuild and dev.mjs: not the Worker, shown to see whether they are on the request path.
    other_cpu_ms_per_request: round(median(pick("other_cpu_ms_per_request")), 3),
    errors: pick("errors").reduce((a, b) => a + b, 0),
    worker_errors: pick("worker_errors").reduce((a, b) => a + b, 0),
    spread: {
      rps: spread(pick("rps")),
      p50_ms: spread(pick("p50_ms")),
      p99_ms: spread(pick("p99_ms")),
      cpu_ms_per_request: spread(pick("cpu_ms_per_request")),
    },
    rounds: runs,
  };
}

/**
 * D1 statements and DO calls of a steady-state request to `path` (BENCH_METRICS headers): the
 * most any of 20 sequential requests used, after the scenarios have recorded the credential's use.
 */
async function perRequest(baseUrl, path, headers) {
  const SAMPLES = 20;
  let d1Queries = 0;
  let doCalls = 0;
  const ms = { d1: 0, do: 0, total: 0 };
  // One request first, whose once-a-minute last-used write may be due; then let that write land.
  await get(baseUrl, path, headers);
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < SAMPLES; i++) {
    const res = await get(baseUrl, path, headers);
    if (res.status !== 200) throw new Error(`metrics sample of ${path}: ${res.status}`);
    d1Queries = Math.max(d1Queries, Number(res.headers["x-bench-d1-queries"]));
    doCalls = Math.max(doCalls, Number(res.headers["x-bench-do-calls"]));
    // Server-Timing: time spent waiting on D1 and on the Durable Object, and in the whole handler.
    for (const [, name, dur] of res.headers["server-timing"].matchAll(/(\w+);dur=([\d.]+)/g)) ms[name] += Number(dur) / SAMPLES;
  }
  return { d1_queries: d1Queries, do_calls: doCalls, ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v, 3)])) };
}

/** One GET with node:http (which, unlike fetch, sends a `Host` header of our choosing: the gateway's hosts). */
function get(baseUrl, path, headers = {}) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** The origin behind the gateway scenario (bench/origin.mjs), in a process of its own. */
async function startOrigin() {
  const child = spawn(process.execPath, [join(root, "bench", "origin.mjs")], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    child.once("error", reject);
    child.stdout.once("data", (d) => resolve(Number(String(d).trim())));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, close: async () => child.kill() };
}

// ---- Output -------------------------------------------------------------------------------------

function svgChart(results) {
  const entries = Object.entries(results.scenarios);
  const high = (s) => s.spread?.rps[1] ?? s.rps;
  const max = Math.max(...entries.map(([, s]) => high(s)));
  const noop = results.scenarios.noop.rps;
  const ceiling = results.scenarios.ceiling?.rps;
  const rowH = 34;
  const left = 190;
  const width = 820;
  const barMax = width - left - 210;
  const height = entries.length * rowH + 70;
  const x = (rps) => left + (rps / max) * barMax;
  const bars = entries
    .map(([name, s], i) => {
      const y = 40 + i * rowH;
      const w = Math.max(1, x(s.rps) - left);
      const pct = ((s.rps / noop) * 100).toFixed(0);
      const fill = name === "noop" ? "#9ca3af" : name === "ceiling" ? "#6b7280" : "#f6821f";
      // The whisker spans the rounds' min–max.
      const whisker = s.spread
        ? `<line x1="${x(s.spread.rps[0]).toFixed(1)}" y1="${y + 13}" x2="${x(s.spread.rps[1]).toFixed(1)}" y2="${y + 13}" stroke="#111827" stroke-width="1.5"/>`
        : "";
      return `<text x="${left - 10}" y="${y + 17}" text-anchor="end">${name}</text>
<rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="20" fill="${fill}"/>
${whisker}
<text x="${(x(high(s)) + 8).toFixed(1)}" y="${y + 17}">${s.rps.toLocaleString("en-US")} req/s (${pct}% of noop)</text>`;
    })
    .join("\n");
  const line = (rps, color) =>
    `<line x1="${x(rps).toFixed(1)}" y1="36" x2="${x(rps).toFixed(1)}" y2="${height - 20}" stroke="${color}" stroke-dasharray="4 3"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="24" font-size="15" font-weight="bold">edgekeys: median requests/s (whiskers: min–max over rounds; dashed: noop${ceiling ? ", blue: ceiling" : ""})</text>
${bars}
${line(noop, "#374151")}
${ceiling ? line(ceiling, "#2563eb") : ""}
</svg>
`;
}

const range = ([lo, hi], digits) => `${round(lo, digits)}–${round(hi, digits)}`;
const yes = (ok) => (ok ? "yes" : "**no**");

function markdown(results) {
  const rows = Object.entries(results.scenarios).map(
    ([name, s]) =>
      `| ${name} | ${s.rps} (${range(s.spread.rps, 1)}) | ${s.p50_ms} (${range(s.spread.p50_ms, 2)}) | ${s.p99_ms} (${range(s.spread.p99_ms, 1)}) | ${s.cpu_ms_per_request} (${range(s.spread.cpu_ms_per_request, 2)}) | ${s.errors} | ${s.worker_errors} |`,
  );
  const r = results.ratios;
  const c = results.cpu_over_ceiling_ms;
  const pr = results.per_request;
  const errors = Object.values(results.scenarios).reduce((sum, s) => sum + s.errors, 0);
  return [
    `Medians over ${results.meta.rounds} interleaved rounds (reads in a rotating order, writes last, a pause after them), min–max in parentheses. CPU: the Worker's workerd processes (utime+stime), per request served; the verdicts on CPU use all rounds pooled.`,
    "",
    "| scenario | req/s | p50 ms | p99 ms | CPU ms/req | errors | worker errors |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    "| measure | value | target | met |",
    "|---|---:|---|---|",
    `| verify_access_token_vs_ceiling | ${r.verify_access_token_vs_ceiling} | ≥ 0.9 | ${yes(r.verify_access_token_vs_ceiling >= 0.9)} |`,
    `| verify_api_key_vs_ceiling | ${r.verify_api_key_vs_ceiling} | ≥ 0.9 | ${yes(r.verify_api_key_vs_ceiling >= 0.9)} |`,
    `| verify_scoped_key_vs_ceiling | ${r.verify_scoped_key_vs_ceiling} | ≥ 0.9 | ${yes(r.verify_scoped_key_vs_ceiling >= 0.9)} |`,
    `| gateway_app_policy_vs_verify_access_token | ${r.gateway_app_policy_vs_verify_access_token} | ≥ 0.9 | ${yes(r.gateway_app_policy_vs_verify_access_token >= 0.9)} |`,
    `| D1 statements / DO calls per steady gateway request (vs verification's) | ${pr.by_route.gateway_app_policy.d1_queries} / ${pr.by_route.gateway_app_policy.do_calls} | ${pr.by_route.verify_access_token.d1_queries} / ${pr.by_route.verify_access_token.do_calls} | ${yes(pr.by_route.gateway_app_policy.d1_queries <= pr.by_route.verify_access_token.d1_queries && pr.by_route.gateway_app_policy.do_calls === pr.by_route.verify_access_token.do_calls)} |`,
    ...VERIFY.map(
      (name) =>
        `| CPU per request − ceiling's, ${name} (ms; pooled over rounds; paired per round: median, min–max) | ${c[name]} (${results.cpu_over_ceiling_paired_ms[name].median}; ${range(results.cpu_over_ceiling_paired_ms[name].spread, 2)}) | ≤ 0.5 | ${yes(c[name] <= 0.5)} |`,
    ),
    `| CPU per request − ceiling's, ceiling sent an Access token's headers (ms, pooled) | ${results.cpu_access_headers_over_ceiling_ms} | (diagnosis) | |`,
    `| CPU per request − API key's, scoped key (ms, pooled) | ${round(results.scenarios.verify_scoped_key.cpu_ms_per_request_pooled - results.scenarios.verify_api_key.cpu_ms_per_request_pooled, 3)} | ≤ 0.5 | ${yes(results.scenarios.verify_scoped_key.cpu_ms_per_request_pooled - results.scenarios.verify_api_key.cpu_ms_per_request_pooled <= 0.5)} |`,
    `| D1 statements / DO calls per steady authenticated request | ${pr.d1_queries} / ${pr.do_calls} | 0 / 1 | ${yes(pr.d1_queries === 0 && pr.do_calls === 1)} |`,
    `| errors (HTTP, all scenarios and rounds) | ${errors} | 0 | ${yes(errors === 0)} |`,
    `| worker_errors | ${results.worker_errors} | 0 | ${yes(results.worker_errors === 0)} |`,
    `| D1 statements per active credential-hour caused by use (usage simulation; writes/s at a million: ${results.usage_simulation.at_a_million_d1_write_statements_per_s}) | ${results.usage_simulation.d1_statements_per_active_credential_hour} | ≤ ${results.usage_simulation.budget_statements_per_credential_hour} | ${yes(results.usage_simulation.d1_statements_per_active_credential_hour <= results.usage_simulation.budget_statements_per_credential_hour)} |`,
    `| ${results.meta.list_ratio_name} | ${r.list_100k_vs_1k_p50} | ≤ 1.3 | ${yes(r.list_100k_vs_1k_p50 <= 1.3)} |`,
    `| ceiling_vs_noop | ${r.ceiling_vs_noop} | (reference) | |`,
    `| verify_access_token_vs_noop | ${r.verify_access_token_vs_noop} | (reference) | |`,
    `| verify_api_key_vs_noop | ${r.verify_api_key_vs_noop} | (reference) | |`,
    "",
    "| steady request (sequential, unloaded) | D1 statements | DO calls | D1 wait ms | DO wait ms | handler total ms |",
    "|---|---:|---:|---:|---:|---:|",
    ...Object.entries(pr.by_route).map(
      ([name, p]) => `| ${name} | ${p.d1_queries} | ${p.do_calls} | ${p.ms.d1} | ${p.ms.do} | ${p.ms.total} |`,
    ),
  ].join("\n");
}

async function main() {
  if (argv.includes("--chart-only")) {
    // Redraw the chart of an existing results file, without running anything.
    writeFileSync(`${out.replace(/\.json$/, "")}.svg`, svgChart(JSON.parse(readFileSync(out, "utf8"))));
    return;
  }
  const started = Date.now();
  // The usage write budget first, on its own Worker (bench/usage-sim.mjs), so that it loads nothing measured below.
  const usage = await simulateUsage({ quick });
  log(`usage simulation: ${JSON.stringify(usage.figures)}`);
  const stateDir = newStateDir();
  log(`${quick ? "quick" : "full"} run; state in ${stateDir}`);
  d1(stateDir, ["migrations", "apply", "DB"]);
  const small = seedOrg(stateDir, 1, "bench-1k", 1_000 - 1);
  const big = seedOrg(stateDir, 2, "bench-big", settings.bigOrgKeys - 1);
  log(`seeded 1k and ${settings.bigOrgKeys} keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const origin = await startOrigin();
  // The operator gives the gateway scenario's host to the main org, bootstrapped below with this account id.
  const mainAccountId = randomUUID().replaceAll("-", "");
  const worker = await startWorker({
    stateDir,
    // Request logging to the console halves wrangler dev's throughput; the bench does not need it.
    // Errors are still logged at "warn": that is what worker_errors counts.
    args: ["--minify", "--log-level", "warn"],
    vars: {
      ...benchVars(ADMIN_TOKEN),
      // The gateway scenario's host, protected by an Access application.
      ORIGINS: JSON.stringify({ [GATEWAY_HOST]: { origin: origin.url, account_id: mainAccountId } }),
    },
  });
  const { baseUrl } = worker;
  let failed = false;
  try {
    const processes = descendants();
    const workerdPids = processes.filter((p) => p.comm === "workerd").map((p) => p.pid);
    if (!workerdPids.length) throw new Error(`no workerd process among the bench's descendants: ${JSON.stringify(processes)}`);
    const otherPids = processes.filter((p) => p.comm !== "workerd").map((p) => p.pid);
    log(`CPU counters of ${processes.map((p) => `${p.comm}:${p.pid}`).join(", ")} (${CLK_TCK} ticks/s)`);

    const bootstrap = (org_name, email, account_id) =>
      fetch(`${baseUrl}/admin/bootstrap`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ org_name, email, ...(account_id ? { account_id } : {}) }),
      }).then(json);
    const main = await bootstrap("bench-main", "owner@bench.example", mainAccountId);
    const smallKey = (await bootstrap(small.orgName, small.email)).api_key.key;
    const bigKey = (await bootstrap(big.orgName, big.email)).api_key.key;
    const key = main.api_key.key;
    const auth = { Authorization: `Bearer ${key}`, "Content-Type": "application/json" };
    const tokensUrl = `${baseUrl}/client/v4/accounts/${main.org.account_id}/access/service_tokens`;
    const createToken = (name) => fetch(tokensUrl, { method: "POST", headers: auth, body: JSON.stringify({ name }) }).then(json);
    const verifier = (await createToken("verifier")).result;
    // Rotations round-robin over several tokens, as many as connections, so they rarely collide.
    const rotating = [];
    for (let i = 0; i < settings.connections * 2; i++) rotating.push((await createToken(`rotating-${i}`)).result.id);
    let next = 0;

    const accessHeaders = { "CF-Access-Client-Id": verifier.client_id, "CF-Access-Client-Secret": verifier.client_secret };
    // An application with two policies of a few rules each; the verifier is admitted by the second,
    // so every request evaluates both (first without, then with its token).
    const other = (await createToken("other")).result;
    const appsUrl = `${baseUrl}/client/v4/accounts/${main.org.account_id}/access/apps`;
    await fetch(appsUrl, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        type: "self_hosted",
        name: "bench gateway",
        domain: GATEWAY_HOST,
        policies: [
          {
            name: "office bypass",
            decision: "bypass",
            include: [{ ip: { ip: "203.0.113.0/24" } }, { ip: { ip: "2001:db8::/32" } }],
            require: [{ ip: { ip: "203.0.113.0/25" } }],
          },
          {
            name: "callers",
            decision: "non_identity",
            include: [{ service_token: { token_id: other.id } }, { service_token: { token_id: verifier.id } }],
            require: [{ any_valid_service_token: {} }],
            exclude: [{ ip: { ip: "198.51.100.0/24" } }],
          },
        ],
      }),
    }).then(json);
    const gatewayHeaders = { ...accessHeaders, Host: GATEWAY_HOST };
    const bearerHeaders = { Authorization: `Bearer ${key}` };
    const scoped = await fetch(`${baseUrl}/v1/api_key`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        name: "scoped",
        permissions: ["identity", "api_keys:read"],
        // Loopback too, in case the local server reports its own peer instead of the header.
        ip_allowlist: ["192.0.2.0/24", "2001:db8::/32", "127.0.0.1", "::1"],
        rate_limit: { limit: 1_000_000_000, window_seconds: 60 },
        credits: { remaining: 1_000_000_000, refill: { amount: 1_000_000_000, interval_seconds: 86_400 } },
      }),
    }).then(json);
    // The address the allowlist admits, as Cloudflare would report it.
    const scopedHeaders = { Authorization: `Bearer ${scoped.key}`, "CF-Connecting-IP": "192.0.2.10" };
    const bigName = quick ? "list_api_keys_10k" : "list_api_keys_100k";
    const scenarios = [
      ["noop", { path: "/healthz" }],
      // The same request headers as verify_api_key; the route ignores them.
      ["ceiling", { path: "/__bench/ceiling", headers: bearerHeaders }],
      // The ceiling again, sent an Access token's headers: what the server does with those headers
      // before the Worker runs is measured here, apart from what the Worker does with the token.
      ["ceiling_access_headers", { path: "/__bench/ceiling", headers: accessHeaders }],
      ["verify_access_token", { path: "/cdn-cgi/access/get-identity", headers: accessHeaders }],
      ["verify_api_key", { path: "/cdn-cgi/access/get-identity", headers: bearerHeaders }],
      // A key with permissions, an IP allowlist, its own limit and credits with a refill: all decided in its home.
      ["verify_scoped_key", { path: "/cdn-cgi/access/get-identity", headers: scopedHeaders }],
      // Through the gateway: the application's policies decide, then the origin answers.
      ["gateway_app_policy", { path: "/orders/42", headers: gatewayHeaders }],
      ["create_api_key", { method: "POST", path: "/v1/api_key", headers: auth, body: JSON.stringify({ name: "bench" }) }],
      ["list_api_keys_1k", { path: "/v1/api_key?limit=100", headers: { Authorization: `Bearer ${smallKey}` } }],
      [bigName, { path: "/v1/api_key?limit=100", headers: { Authorization: `Bearer ${bigKey}` } }],
      [
        "rotate_access_token",
        {
          requests: [
            {
              method: "POST",
              headers: auth,
              body: "{}",
              setupRequest: (req) => ({
                ...req,
                path: `/client/v4/accounts/${main.org.account_id}/access/service_tokens/${rotating[next++ % rotating.length]}/rotate`,
              }),
            },
          ],
        },
      ],
    ];

    // Worker errors count from the first warm-up on (start-up and seeding are not measured).
    const logStart = worker.log().length;
    const ctx = { baseUrl, worker, workerdPids, otherPids };
    const runs = Object.fromEntries(scenarios.map(([name]) => [name, []]));
    // Reads in a rotating order (no scenario always follows the same one), then the writes, then a
    // pause for what the writes left to do (D1's checkpoints run in the same workerd), so that no
    // round's reads pay for the previous round's writes.
    const writes = new Set(["create_api_key", "rotate_access_token"]);
    const reads = scenarios.filter(([name]) => !writes.has(name));
    for (let r = 1; r <= settings.rounds; r++) {
      log(`round ${r} of ${settings.rounds}`);
      const order = [
        ...reads.slice((r - 1) % reads.length),
        ...reads.slice(0, (r - 1) % reads.length),
        ...scenarios.filter(([name]) => writes.has(name)),
      ];
      for (const [name, request] of order) runs[name].push(await measure(name, ctx, request));
      await new Promise((resolve) => setTimeout(resolve, settings.settle * 1000));
    }
    const results = { scenarios: Object.fromEntries(Object.entries(runs).map(([name, rs]) => [name, summarise(rs)])) };
    const s = results.scenarios;

    const byRoute = {
      verify_access_token: await perRequest(baseUrl, "/cdn-cgi/access/get-identity", accessHeaders),
      verify_api_key: await perRequest(baseUrl, "/cdn-cgi/access/get-identity", bearerHeaders),
      verify_scoped_key: await perRequest(baseUrl, "/cdn-cgi/access/get-identity", scopedHeaders),
      ceiling: await perRequest(baseUrl, "/__bench/ceiling", bearerHeaders),
      gateway_app_policy: await perRequest(baseUrl, "/orders/42", gatewayHeaders),
    };
    const allErrorLines = errorLines(worker.log().slice(logStart));
    Object.assign(results, {
      // Ratios of medians.
      ratios: {
        verify_access_token_vs_ceiling: round(s.verify_access_token.rps / s.ceiling.rps, 3),
        verify_api_key_vs_ceiling: round(s.verify_api_key.rps / s.ceiling.rps, 3),
        verify_scoped_key_vs_ceiling: round(s.verify_scoped_key.rps / s.ceiling.rps, 3),
        gateway_app_policy_vs_verify_access_token: round(s.gateway_app_policy.rps / s.verify_access_token.rps, 3),
        ceiling_vs_noop: round(s.ceiling.rps / s.noop.rps, 3),
        verify_access_token_vs_noop: round(s.verify_access_token.rps / s.noop.rps, 3),
        verify_api_key_vs_noop: round(s.verify_api_key.rps / s.noop.rps, 3),
        list_100k_vs_1k_p50: round(s[bigName].p50_ms / s.list_api_keys_1k.p50_ms, 3),
      },
      // Server CPU of one authentication beyond the ceiling's, ms per request: pooled over every round
      // (the verdict), and paired round by round with the ceiling's run of the same round (median and spread).
      cpu_over_ceiling_ms: Object.fromEntries(
        VERIFY.map((name) => [name, round(s[name].cpu_ms_per_request_pooled - s.ceiling.cpu_ms_per_request_pooled, 3)]),
      ),
      // The same ceiling route with an Access token's headers instead of a Bearer key's (a diagnosis, no target).
      cpu_access_headers_over_ceiling_ms: round(
        s.ceiling_access_headers.cpu_ms_per_request_pooled - s.ceiling.cpu_ms_per_request_pooled,
        3,
      ),
      cpu_over_ceiling_paired_ms: Object.fromEntries(
        VERIFY.map((name) => {
          const diffs = runs[name].map((run, i) => run.cpu_ms_per_request - runs.ceiling[i].cpu_ms_per_request);
          return [name, { median: round(median(diffs), 3), spread: spread(diffs).map((d) => round(d, 3)) }];
        }),
      ),
      per_request: {
        // Authenticated requests (get-identity with an Access token and with a Bearer key).
        d1_queries: Math.max(...VERIFY.map((name) => byRoute[name].d1_queries)),
        do_calls: Math.max(...VERIFY.map((name) => byRoute[name].do_calls)),
        by_route: byRoute,
      },
      // Lines the Worker logged at error level from the first warm-up to the end.
      worker_errors: allErrorLines.length,
      usage_simulation: usage.figures,
      worker_error_samples: allErrorLines.slice(0, 10).map((line) => line.trim()),
      meta: {
        mode: quick ? "quick" : "full",
        rounds: settings.rounds,
        big_org_keys: settings.bigOrgKeys,
        list_ratio_name: quick ? "list_10k_vs_1k_p50 (quick)" : "list_100k_vs_1k_p50",
        seconds_per_scenario: settings.seconds,
        warmup_seconds: settings.warmup,
        connections: settings.connections,
        cpu_processes: processes.map(({ pid, comm }) => ({ pid, comm, counted: comm === "workerd" })),
        clock_ticks_per_second: CLK_TCK,
        node: process.version,
        date: new Date().toISOString(),
        wall_seconds: round((Date.now() - started) / 1000),
      },
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    const svgPath = `${out.replace(/\.json$/, "")}.svg`;
    writeFileSync(svgPath, svgChart(results));
    const table = markdown(results);
    console.log(table);
    log(`wrote ${out} and ${svgPath} in ${results.meta.wall_seconds} s`);
    if (updateDoc) {
      const doc = join(root, "BENCHMARKS.md");
      const text = readFileSync(doc, "utf8");
      const updated = text.replace(
        /<!-- results:start -->[\s\S]*<!-- results:end -->/,
        `<!-- results:start -->\n${table}\n\n(${results.meta.mode} run, ${results.meta.date}, Node ${results.meta.node}, ${settings.connections} connections, ${settings.rounds} rounds of ${settings.seconds} s per scenario)\n<!-- results:end -->`,
      );
      writeFileSync(doc, updated);
      log("updated BENCHMARKS.md");
    }
    if (!usage.ok) {
      log(`the usage simulation failed: over its D1 budget, a failed request or a Worker error (${usage.errors.slice(0, 3).join(" | ")})`);
      failed = true;
    }
    if (results.worker_errors > 0) {
      log(`the Worker logged ${results.worker_errors} error line(s) during the run; first: ${results.worker_error_samples[0]}`);
      failed = true;
    }
  } finally {
    await worker.stop();
    await origin.close();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
