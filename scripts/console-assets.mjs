// Builds the console's script (src/console/*.ts → public/console/console.js, one minified file)
// with the esbuild that wrangler brings, so it needs no dependency of its own. Run by `npm install`
// (postinstall), `npm run dev` (and so by the e2e tests, which start the Worker through it) and
// `npm run build`; the output is not committed.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CONSOLE_SCRIPT = join(root, "public", "console", "console.js");

export async function buildConsole() {
  // wrangler's own esbuild, wherever npm placed it.
  const esbuild = createRequire(join(root, "node_modules", "wrangler", "package.json"))("esbuild");
  await esbuild.build({
    entryPoints: [join(root, "src", "console", "main.ts")],
    outfile: CONSOLE_SCRIPT,
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2022",
    legalComments: "none",
    logLevel: "warning",
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildConsole();
