#!/usr/bin/env node
// `npm run startup [-- [--runs N] <bundle.js>...]` (default: dist/index.js, from `npm run build`;
// `npm run build -- --startup` builds and then measures): the Worker's start-up, i.e. what the
// runtime does before the first request, for each bundle given:
//  - compile: V8 parses and compiles the module (`new vm.SourceTextModule`; as in workerd, function
//    bodies are only pre-parsed here and compiled when first called);
//  - evaluate: its top-level code runs (every route's zod schemas built), with `cloudflare:workers`
//    stubbed (DurableObject, WorkerEntrypoint, … as empty classes). This is what every isolate pays,
//    whether it serves HTTP, a Durable Object, RPC, the cron or a queue;
//  - first request: `GET /healthz` through the default export's fetch, the first of an HTTP
//    isolate, which builds the app (routers, validators; src/index.ts) and Hono's route matcher and
//    parses the configuration (Node's own fetch classes are loaded beforehand, not counted).
// Each sample is a fresh Node process (no compilation cache carried over, one warm-up compile of a
// tiny module first so that Node's one-time vm set-up is not counted); bundles are sampled in turn
// (A, B, A, B, …) so that a slow stretch of the machine hits all of them. Prints the median and the
// min–max of each phase. Node runs the same engine as workerd (V8), so this is the Worker's own
// start-up cost, without workerd's and Miniflare's process and socket set-up, which dominates
// anything timed from outside (e.g. Miniflare's `ready`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), "..");

if (process.argv[2] === "--child") {
  // One sample: compile and evaluate one bundle, print the timings (ms) as JSON.
  const file = process.argv[3];
  const code = readFileSync(file, "utf8");
  const stub = () =>
    new vm.SyntheticModule(["DurableObject", "WorkerEntrypoint", "WorkflowEntrypoint", "RpcTarget", "RpcStub", "env"], function () {
      for (const name of ["DurableObject", "WorkerEntrypoint", "WorkflowEntrypoint", "RpcTarget", "RpcStub"]) {
        this.setExport(
          name,
          class {
            constructor(ctx, env) {
              this.ctx = ctx;
              this.env = env;
            }
          },
        );
      }
      this.setExport("env", {});
    });
  const link = async (specifier) => {
    if (specifier === "cloudflare:workers") return stub();
    throw new Error(`startup.mjs: the bundle imports "${specifier}", which has no stand-in here`);
  };
  // Node loads its fetch implementation on first use; workerd has its own, so it is not counted.
  const request = new Request("http://localhost/healthz");
  await new Response("ok").text();
  const warmUp = new vm.SourceTextModule("export default 1;");
  await warmUp.link(link);
  await warmUp.evaluate();

  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const worker = new vm.SourceTextModule(code, { identifier: pathToFileURL(file).href });
  const t1 = performance.now();
  const c1 = cpu();
  await worker.link(link);
  await worker.evaluate();
  const t2 = performance.now();
  const c2 = cpu();
  if (typeof worker.namespace.default?.fetch !== "function") throw new Error("startup.mjs: the bundle's default export has no fetch()");
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  const response = await worker.namespace.default.fetch(request, {}, ctx);
  const t3 = performance.now();
  const c3 = cpu();
  if (response.status !== 200) throw new Error(`startup.mjs: GET /healthz answered ${response.status}`);
  process.stdout.write(
    JSON.stringify({ compile: t1 - t0, evaluate: t2 - t1, first: t3 - t2, compileCpu: c1 - c0, evaluateCpu: c2 - c1, firstCpu: c3 - c2 }),
  );
  process.exit(0);
}

const args = process.argv.slice(2);
let runs = 20;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else if (args[i].startsWith("--runs=")) runs = Number(args[i].slice(7));
  else files.push(resolve(args[i]));
}
if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a positive integer");
if (!files.length) files.push(join(root, "dist", "index.js"));
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`${file} does not exist${file.startsWith(join(root, "dist")) ? ": run `npm run build` first" : ""}`);
    process.exit(1);
  }
}

const samples = new Map(files.map((file) => [file, []]));
for (let run = 0; run < runs; run++) {
  for (const file of files) {
    const child = spawnSync(process.execPath, ["--experimental-vm-modules", "--no-warnings", self, "--child", file], { encoding: "utf8" });
    if (child.status !== 0) {
      console.error(child.stderr || child.stdout);
      process.exit(1);
    }
    samples.get(file).push(JSON.parse(child.stdout));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => x.toFixed(1).padStart(6);
const figure = (ss, wall, cpu) => {
  const w = ss.map(wall);
  const range = `(${Math.min(...w).toFixed(1)}–${Math.max(...w).toFixed(1)})`;
  return `${ms(median(w))} ms ${range.padEnd(14)} CPU ${ms(median(ss.map(cpu)))} ms`;
};
console.log(
  `Start-up, over ${runs} fresh Node ${process.version} processes per bundle: median wall time (min–max), median CPU time (the process's user+system, all threads)`,
);
/** Each phase: its label, and its wall and CPU time in a sample. */
const PHASES = [
  ["compile", (s) => s.compile, (s) => s.compileCpu],
  ["evaluate", (s) => s.evaluate, (s) => s.evaluateCpu],
  ["start-up", (s) => s.compile + s.evaluate, (s) => s.compileCpu + s.evaluateCpu],
  ["first request", (s) => s.first, (s) => s.firstCpu],
  ["start-up + first", (s) => s.compile + s.evaluate + s.first, (s) => s.compileCpu + s.evaluateCpu + s.firstCpu],
];
for (const [file, ss] of samples) {
  const code = readFileSync(file);
  const size = `${(code.length / 1024).toFixed(1)} KiB, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`;
  const lines = PHASES.map(([label, wall, cpu]) => `  ${label.padEnd(17)} ${figure(ss, wall, cpu)}`);
  console.log(`\n${relative(process.cwd(), file) || file}: ${size}\n${lines.join("\n")}`);
}
