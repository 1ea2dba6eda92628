// Copies Swagger UI's files, at the version pinned in package.json (swagger-ui-dist), into
// public/docs-assets/, which `wrangler.toml`'s [assets] serves beside the Worker: /docs then
// loads nothing from another host. Run by `npm install` (postinstall), `npm run dev` and
// `npm run build`; the copies are not committed.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "public", "docs-assets");
const FILES = ["swagger-ui.css", "swagger-ui-bundle.js"];

export function copyDocsAssets() {
  if (!existsSync(from)) throw new Error("swagger-ui-dist is not installed: run npm install");
  mkdirSync(to, { recursive: true });
  // Only what differs: a running `wrangler dev` restarts its Worker on every write to public/.
  for (const file of FILES) {
    const target = join(to, file);
    if (existsSync(target) && readFileSync(target).equals(readFileSync(join(from, file)))) continue;
    copyFileSync(join(from, file), target);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) copyDocsAssets();
