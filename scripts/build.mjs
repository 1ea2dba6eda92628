#!/usr/bin/env node
// `npm run build [-- --startup] [-- <wrangler deploy args>]`: bundles the Worker exactly as
// `wrangler deploy` would (minified, zod trimmed: see wrangler.toml), into dist/, without deploying;
// prints the size of the shipped index.js and fails when it is over budget (128 KiB gzipped),
// listing its largest inputs. `--startup` then measures its start-up (scripts/startup.mjs).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { copyDocsAssets } from "./docs-assets.mjs";
import { buildConsole } from "./console-assets.mjs";

// The static files /docs and /console serve go with the Worker (normally made by npm install).
copyDocsAssets();
await buildConsole();

/** The budget for what `wrangler deploy` ships, gzipped. */
const GZIP_BUDGET_KIB = 128;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist");
const metafile = join(outdir, "bundle-meta.json");
const wrangler = join(root, "node_modules", ".bin", process.platform === "win32" ? "wrangler.cmd" : "wrangler");

const startup = process.argv.includes("--startup");
const wranglerArgs = process.argv.slice(2).filter((arg) => arg !== "--startup");

rmSync(outdir, { recursive: true, force: true });
const result = spawnSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir, "--metafile", metafile, ...wranglerArgs], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    PATH: `${join(root, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
  },
});
if (result.status !== 0) process.exit(result.status ?? 1);

const meta = JSON.parse(readFileSync(metafile, "utf8"));
const failures = [];

// wrangler's [alias] matches an import specifier exactly, wherever it appears: the modules that
// stand in for parts of zod and for the OpenAPI generator (src/zod-trim/) must be imported only by
// the package whose import they replace (or by each other).
const importerOf = (standIn) => (standIn === "src/zod-trim/zod-to-openapi.ts" ? "node_modules/@hono/zod-openapi/" : "node_modules/zod/");
for (const [importer, input] of Object.entries(meta.inputs)) {
  for (const imported of input.imports) {
    if (
      imported.path.startsWith("src/zod-trim/") &&
      !importer.startsWith(importerOf(imported.path)) &&
      !importer.startsWith("src/zod-trim/")
    ) {
      failures.push(
        `${importer} imports "${imported.original}", which wrangler.toml's [alias] maps to ${imported.path}: rename that import`,
      );
    }
  }
}
// Nothing of the generator ships: the document is a static file (public/docs-assets/openapi.json).
for (const input of Object.keys(meta.inputs)) {
  if (input.startsWith("node_modules/@asteasolutions/")) failures.push(`${input} is in the bundle: the OpenAPI generator must not ship`);
}

// The Worker's main module, as uploaded (dist/index.js unless another entry point is given).
const [mainPath, mainOutput] = Object.entries(meta.outputs).find(([, output]) => output.entryPoint) ?? [];
const code = readFileSync(join(root, mainPath));
const raw = code.length / 1024;
const gzip = gzipSync(code).length / 1024;
console.log(
  `\nShipped ${relative(root, join(root, mainPath))}: ${raw.toFixed(1)} KiB, ${gzip.toFixed(1)} KiB gzipped (budget ${GZIP_BUDGET_KIB} KiB gzipped)`,
);
if (gzip > GZIP_BUDGET_KIB) {
  failures.push(`the bundle is ${gzip.toFixed(1)} KiB gzipped, over its budget of ${GZIP_BUDGET_KIB} KiB`);
  const largest = Object.entries(mainOutput.inputs)
    .map(([path, { bytesInOutput }]) => [path, bytesInOutput])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15);
  console.error("\nLargest inputs (their bytes in the bundle):");
  for (const [path, bytes] of largest) console.error(`${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${path}`);
}

if (failures.length) {
  for (const failure of failures) console.error(`\n✘ ${failure}`);
  process.exit(1);
}

if (startup) {
  const measured = spawnSync(process.execPath, [join(root, "scripts", "startup.mjs"), join(root, mainPath)], {
    cwd: root,
    stdio: "inherit",
  });
  process.exit(measured.status ?? 1);
}
