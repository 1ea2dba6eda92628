// Builds the console's script (src/console/*.ts → public/console/console.js, one minified file)
// with the esbuild that wrangler brings, so it needs no dependency of its own. Run by `npm install`
// (postinstall), `npm run dev` (and so by the e2e tests, which start the Worker through it) and
// `npm run build`; the output is not committed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CONSOLE_SCRIPT = join(root, "public", "console", "console.js");

/**
 * Builds the script, and writes it only when it changed: a running `wrangler dev` watches public/
 * and restarts its Worker (dropping requests in flight) on every write, so that another
 * `npm run dev` starting beside it (the e2e tests start several) must not touch an unchanged file.
 */
export async function buildConsole() {
  // wrangler's own esbuild, wherever npm placed it.
  const esbuild = createRequire(join(root, "node_modules", "wrangler", "package.json"))("esbuild");
  const { outputFiles } = await esbuild.build({
    write: false,
    entryPoints: [join(root, "src", "console", "main.ts")],
    outfile: CONSOLE_SCRIPT,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    legalComments: "none",
    logLevel: "warning",
  });
  const built = Buffer.from(outputFiles[0].contents);
  if (existsSync(CONSOLE_SCRIPT) && readFileSync(CONSOLE_SCRIPT).equals(built)) return;
  mkdirSync(dirname(CONSOLE_SCRIPT), { recursive: true });
  writeFileSync(CONSOLE_SCRIPT, built);
}

if (import.meta.url === `file://${process.argv[1]}`) await buildConsole();
