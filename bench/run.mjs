#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --out path] [-- --update-doc] [-- --chart-only]`
//
// Starts the Worker locally on 127.0.0.1 (minified build, local D1 and Durable Objects, the
// rate limiter on), seeds what the scenarios need, drives each scenario with autocannon for a
// fixed time, and stops everything it started. Reports requests/s, p50, p99 and errors per
// scenario, the ratios against the no-op route, and D1 statements / DO calls per authenticated
// request; writes results.json and an SVG chart, and prints a markdown table.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import autocannon from "autocannon";
import { d1, newStateDir, root, startWorker } from "../scripts/local-worker.mjs";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const outIndex = argv.indexOf("--out");
const out = outIndex >= 0 ? argv[outIndex + 1] : join(root, "bench", "results.json");
const updateDoc = argv.includes("--update-doc");

const settings = quick
  ? { seconds: 2, warmup: 0.5, connections: 16, bigOrgKeys: 10_000 }
  : { seconds: 10, warmup: 2, connections: 16, bigOrgKeys: 100_000 };
const ADMIN_TOKEN = `bench-${randomUUID()}`;
const log = (...args) => console.error("[bench]", ...args);

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

/** Runs one scenario: a warm-up, then a measured run; latencies are collected per response (sub-ms). */
async function measure(name, baseUrl, { path = "/", ...request }) {
  const base = { url: `${baseUrl}${path}`, connections: settings.connections, ...request };
  await new Promise((resolve, reject) => {
    const warm = autocannon({ ...base, duration: settings.warmup }, (err) => (err ? reject(err) : resolve()));
    warm.on("error", reject);
  });
  const latencies = [];
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon({ ...base, duration: settings.seconds }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  });
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
  const scenario = {
    rps: round(result.requests.total / result.duration),
    p50_ms: round(pct(50), 3),
    p99_ms: round(pct(99), 3),
    errors: result.errors + result.timeouts + result.non2xx,
  };
  log(name, JSON.stringify(scenario));
  return scenario;
}

const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * D1 statements and DO calls of a steady-state authenticated request (BENCH_METRICS headers):
 * the most any of five requests used, after the scenarios have recorded the credential's use.
 */
async function perRequest(baseUrl, headers) {
  const SAMPLES = 20;
  let d1Queries = 0;
  let doCalls = 0;
  const ms = { d1: 0, do: 0, total: 0 };
  // One request first, whose once-a-minute last-used write may be due; then let that write land.
  await fetch(`${baseUrl}/cdn-cgi/access/get-identity`, { headers }).then((r) => r.arrayBuffer());
  await new Promise((r) => setTimeout(r, 200));
  for (let i = 0; i < SAMPLES; i++) {
    const res = await fetch(`${baseUrl}/cdn-cgi/access/get-identity`, { headers });
    if (!res.ok) throw new Error(`metrics sample: ${res.status}`);
    d1Queries = Math.max(d1Queries, Number(res.headers.get("x-bench-d1-queries")));
    doCalls = Math.max(doCalls, Number(res.headers.get("x-bench-do-calls")));
    // Server-Timing: time spent waiting on D1 and on the Durable Object, and in the whole handler.
    for (const [, name, dur] of res.headers.get("server-timing").matchAll(/(\w+);dur=([\d.]+)/g)) ms[name] += Number(dur) / SAMPLES;
  }
  return { d1Queries, doCalls, ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v, 3)])) };
}

function svgChart(results) {
  const entries = Object.entries(results.scenarios);
  const max = Math.max(...entries.map(([, s]) => s.rps));
  const noop = results.scenarios.noop.rps;
  const rowH = 34;
  const left = 190;
  const width = 760;
  const barMax = width - left - 150;
  const height = entries.length * rowH + 70;
  const bars = entries
    .map(([name, s], i) => {
      const y = 40 + i * rowH;
      const w = Math.max(1, (s.rps / max) * barMax);
      const pct = ((s.rps / noop) * 100).toFixed(0);
      const fill = name === "noop" ? "#9ca3af" : "#f6821f";
      return `<text x="${left - 10}" y="${y + 17}" text-anchor="end">${name}</text>
<rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="20" fill="${fill}"/>
<text x="${(left + w + 8).toFixed(1)}" y="${y + 17}">${s.rps.toLocaleString("en-US")} req/s (${pct}% of noop)</text>`;
    })
    .join("\n");
  const noopX = left + (noop / max) * barMax;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="${left}" y="24" font-size="15" font-weight="bold">edgekeys: requests per second by scenario (dashed: noop)</text>
${bars}
<line x1="${noopX.toFixed(1)}" y1="36" x2="${noopX.toFixed(1)}" y2="${height - 20}" stroke="#374151" stroke-dasharray="4 3"/>
</svg>
`;
}

function markdown(results) {
  const rows = Object.entries(results.scenarios).map(
    ([name, s]) => `| ${name} | ${s.rps} | ${s.p50_ms} | ${s.p99_ms} | ${s.errors} |`,
  );
  const r = results.ratios;
  return [
    "| scenario | req/s | p50 ms | p99 ms | errors |",
    "|---|---:|---:|---:|---:|",
    ...rows,
    "",
    "| ratio | value | target |",
    "|---|---:|---|",
    `| verify_access_token_vs_noop | ${r.verify_access_token_vs_noop} | ≥ 0.7 |`,
    `| verify_api_key_vs_noop | ${r.verify_api_key_vs_noop} | ≥ 0.7 |`,
    `| list_100k_vs_1k_p50 | ${r.list_100k_vs_1k_p50} | ≤ 1.3 |`,
    "",
    `Per authenticated request (steady state): ${results.per_request.d1_queries} D1 statement(s), ${results.per_request.do_calls} Durable Object call(s).`,
    "",
    "| one unloaded authentication (get-identity) | D1 wait ms | DO wait ms | handler total ms |",
    "|---|---:|---:|---:|",
    ...Object.entries(results.profile).map(([name, p]) => `| ${name} | ${p.d1} | ${p.do} | ${p.total} |`),
  ].join("\n");
}

async function main() {
  if (argv.includes("--chart-only")) {
    // Redraw the chart of an existing results file, without running anything.
    writeFileSync(out.replace(/\.json$/, "") + ".svg", svgChart(JSON.parse(readFileSync(out, "utf8"))));
    return;
  }
  const started = Date.now();
  const stateDir = newStateDir();
  log(`${quick ? "quick" : "full"} run; state in ${stateDir}`);
  d1(stateDir, ["migrations", "apply", "DB"]);
  const small = seedOrg(stateDir, 1, "bench-1k", 1_000 - 1);
  const big = seedOrg(stateDir, 2, "bench-big", settings.bigOrgKeys - 1);
  log(`seeded 1k and ${settings.bigOrgKeys} keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const worker = await startWorker({
    stateDir,
    // Request logging to the console halves wrangler dev's throughput; the bench does not need it.
    args: ["--minify", "--log-level", "warn"],
    vars: {
      ADMIN_TOKEN,
      TOKEN_PEPPER: randomUUID(),
      JWT_PRIVATE_KEY: JSON.stringify({ ...privateKey.export({ format: "jwk" }), alg: "ES256", kid: randomUUID() }),
      // The limiter stays on (one DO call per request); the limit is set out of the benchmark's reach.
      RATE_LIMIT_REQUESTS: "1000000000",
      BENCH_METRICS: "1",
    },
  });
  const { baseUrl } = worker;
  try {
    const bootstrap = (org_name, email) =>
      fetch(`${baseUrl}/admin/bootstrap`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ org_name, email }),
      }).then(json);
    const main = await bootstrap("bench-main", "owner@bench.example");
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
    const scenarios = {};
    scenarios.noop = await measure("noop", baseUrl, { path: "/healthz" });
    scenarios.verify_access_token = await measure("verify_access_token", baseUrl, {
      path: "/cdn-cgi/access/get-identity",
      headers: accessHeaders,
    });
    scenarios.verify_api_key = await measure("verify_api_key", baseUrl, {
      path: "/cdn-cgi/access/get-identity",
      headers: { Authorization: `Bearer ${key}` },
    });
    scenarios.create_api_key = await measure("create_api_key", baseUrl, {
      method: "POST",
      path: "/v1/api_key",
      headers: auth,
      body: JSON.stringify({ name: "bench" }),
    });
    scenarios.list_api_keys_1k = await measure("list_api_keys_1k", baseUrl, {
      path: "/v1/api_key?limit=100",
      headers: { Authorization: `Bearer ${smallKey}` },
    });
    const bigName = quick ? "list_api_keys_10k" : "list_api_keys_100k";
    scenarios[bigName] = await measure(bigName, baseUrl, {
      path: "/v1/api_key?limit=100",
      headers: { Authorization: `Bearer ${bigKey}` },
    });
    scenarios.rotate_access_token = await measure("rotate_access_token", baseUrl, {
      requests: [
        {
          method: "POST",
          headers: auth,
          body: "{}",
          setupRequest: (req) => ({ ...req, path: `/client/v4/accounts/${main.org.account_id}/access/service_tokens/${rotating[next++ % rotating.length]}/rotate` }),
        },
      ],
    });

    const access = await perRequest(baseUrl, accessHeaders);
    const bearer = await perRequest(baseUrl, { Authorization: `Bearer ${key}` });
    const results = {
      scenarios,
      ratios: {
        verify_access_token_vs_noop: round(scenarios.verify_access_token.rps / scenarios.noop.rps, 3),
        verify_api_key_vs_noop: round(scenarios.verify_api_key.rps / scenarios.noop.rps, 3),
        list_100k_vs_1k_p50: round(scenarios[bigName].p50_ms / scenarios.list_api_keys_1k.p50_ms, 3),
      },
      per_request: {
        d1_queries: Math.max(access.d1Queries, bearer.d1Queries),
        do_calls: Math.max(access.doCalls, bearer.doCalls),
      },
      // Unloaded, sequential requests: where the time of one authentication goes (ms).
      profile: { verify_access_token: access.ms, verify_api_key: bearer.ms },
      meta: {
        mode: quick ? "quick" : "full",
        big_org_keys: settings.bigOrgKeys,
        seconds_per_scenario: settings.seconds,
        connections: settings.connections,
        node: process.version,
        date: new Date().toISOString(),
        wall_seconds: round((Date.now() - started) / 1000),
      },
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    const svgPath = out.replace(/\.json$/, "") + ".svg";
    writeFileSync(svgPath, svgChart(results));
    const table = markdown(results);
    console.log(table);
    log(`wrote ${out} and ${svgPath} in ${results.meta.wall_seconds} s`);
    if (updateDoc) {
      const doc = join(root, "BENCHMARKS.md");
      const text = readFileSync(doc, "utf8");
      const updated = text.replace(
        /<!-- results:start -->[\s\S]*<!-- results:end -->/,
        `<!-- results:start -->\n${table}\n\n(${results.meta.mode} run, ${results.meta.date}, Node ${results.meta.node}, ${settings.connections} connections, ${settings.seconds} s per scenario)\n<!-- results:end -->`,
      );
      writeFileSync(doc, updated);
      log("updated BENCHMARKS.md");
    }
  } finally {
    await worker.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
