#!/usr/bin/env node
// `npm run bench:usage [-- --quick]`: the usage write budget, simulated (BENCHMARKS.md "Usage at a
// million credentials"). Starts the Worker locally (wrangler dev: real homes, real queue, local D1)
// with the homes' usage clock compressed (BENCH_CLOCK_SCALE: a simulated hour in a few seconds),
// creates N API keys, uses every key every simulated few minutes for H simulated hours, waits for
// the last reports, and counts what use cost D1: the statements the homes made (X-Bench-D1-Queries
// on every answer: record loads) and those the usage queue's consumer made (/__bench/usage).
// Prints the figures, extrapolated to 1,000,000 credentials each used every minute, and exits
// non-zero when use costs more than BUDGET D1 statements per active credential-hour, when D1's
// totals differ from the requests made, when a request failed, or when the Worker logged an error.
// Also run by `npm run bench`.
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { startWorker } from "../scripts/local-worker.mjs";
import { benchVars } from "./worker-vars.mjs";

/** D1 statements per active credential per hour that the design allows: ~300 writes/s at a million. */
export const BUDGET = 1;
const MILLION = 1_000_000;
const log = (...args) => console.error("[usage-sim]", ...args);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function simulateUsage({ quick = false } = {}) {
  const s = quick ? { credentials: 60, hours: 3, usesPerHour: 12, scale: 900 } : { credentials: 200, hours: 4, usesPerHour: 6, scale: 300 };
  const hourMs = 3_600_000 / s.scale;
  const ADMIN_TOKEN = `sim-${randomUUID()}`;
  const worker = await startWorker({
    args: ["--log-level", "warn"],
    vars: {
      ...benchVars(ADMIN_TOKEN),
      BENCH_CLOCK_SCALE: String(s.scale),
      BENCH_CLOCK_ORIGIN: String(Date.now()),
    },
  });
  const { baseUrl } = worker;
  let homeStatements = 0;
  let failures = 0;
  const get = async (path, token) => {
    const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    homeStatements += Number(res.headers.get("x-bench-d1-queries") ?? 0);
    if (!res.ok) failures++;
    await res.arrayBuffer();
    return res;
  };
  try {
    const boot = await fetch(`${baseUrl}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "usage-sim", email: "owner@sim.example" }),
    }).then((r) => r.json());
    const owner = boot.api_key.key;
    const keys = [];
    for (let i = 0; i < s.credentials; i += 20) {
      const made = await Promise.all(
        Array.from({ length: Math.min(20, s.credentials - i) }, (_, j) =>
          fetch(`${baseUrl}/v1/api_key`, {
            method: "POST",
            headers: { Authorization: `Bearer ${owner}`, "Content-Type": "application/json" },
            body: JSON.stringify({ name: `sim-${i + j}` }),
          }).then((r) => r.json()),
        ),
      );
      keys.push(...made.map((k) => k.key));
    }
    const before = await fetch(`${baseUrl}/__bench/usage`).then((r) => r.json());
    homeStatements = 0;
    log(`${s.credentials} keys; ${s.hours} simulated hours of ${Math.round(hourMs)} ms; each key used ${s.usesPerHour} times an hour`);

    // Every key, every tick; a tick is a simulated hour / usesPerHour. Bounded: hours × usesPerHour ticks.
    const started = Date.now();
    let requests = 0;
    for (let tick = 0; tick < s.hours * s.usesPerHour; tick++) {
      const due = started + (tick * hourMs) / s.usesPerHour;
      if (Date.now() < due) await sleep(due - Date.now());
      for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => get("/cdn-cgi/access/get-identity", k)));
      requests += keys.length;
    }
    const lag = Date.now() - started - s.hours * hourMs;
    // The last hour's reports: its alarms (within 10 simulated minutes of its end), then the queue's batch timeout (5 s).
    await sleep(hourMs * 1.3 + 7_000);
    const after = await fetch(`${baseUrl}/__bench/usage`).then((r) => r.json());
    const consumer = {
      batches: after.batches - before.batches,
      reports: after.reports - before.reports,
      statements: after.statements - before.statements,
    };
    // What D1 says the simulated keys did, every page of the org's ranking: it must be every request made.
    let counted = 0;
    let cursor = "";
    for (let page = 0; page < 100; page++) {
      const ranked = await fetch(`${baseUrl}/v1/usage?kind=api_key&limit=100${cursor}`, {
        headers: { Authorization: `Bearer ${owner}` },
      }).then((r) => r.json());
      counted += ranked.objects.filter((o) => o.name.startsWith("sim-")).reduce((n, o) => n + o.requests, 0);
      if (!ranked.next_cursor) break;
      cursor = `&cursor=${ranked.next_cursor}`;
    }
    // Each report is one credential's finished hour of use (its alarm's): the unit the budget is written in.
    const credentialHours = Math.max(1, consumer.reports);
    const perCredentialHour = (homeStatements + consumer.statements) / credentialHours;
    const writesPerSecond = (consumer.statements / credentialHours) * (MILLION / 3600);
    // Each report writes two rows: its day's totals and the credential's last use.
    const rowsPerSecond = 2 * (MILLION / 3600);
    const figures = {
      credentials: s.credentials,
      simulated_hours: s.hours,
      requests,
      failed_requests: failures,
      pacing_lag_ms: lag,
      home_d1_statements: homeStatements,
      consumer,
      active_credential_hours: credentialHours,
      d1_statements_per_active_credential_hour: Number(perCredentialHour.toFixed(4)),
      at_a_million_d1_write_statements_per_s: Number(writesPerSecond.toFixed(1)),
      at_a_million_d1_rows_written_per_s: Math.round(rowsPerSecond),
      reported_requests_in_d1: counted,
      budget_statements_per_credential_hour: BUDGET,
    };
    const errors = worker
      .log()
      .split("\n")
      .filter((line) => /\berror\b|✘/i.test(line));
    const ok = failures === 0 && errors.length === 0 && perCredentialHour <= BUDGET && counted === requests;
    return { ok, figures, errors };
  } finally {
    await worker.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ok, figures, errors } = await simulateUsage({ quick: process.argv.includes("--quick") });
  console.log(JSON.stringify(figures, null, 2));
  for (const line of errors) console.error(`[usage-sim] worker error: ${line}`);
  if (!ok) {
    console.error(`[usage-sim] FAILED: over budget (${BUDGET} D1 statement per active credential-hour), failed requests or Worker errors`);
    process.exit(1);
  }
}
