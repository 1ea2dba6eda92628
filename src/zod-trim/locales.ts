/**
 * Stands in for zod's table of locales (`zod/v4/locales/index.js`) in the Worker bundle: English
 * only, the one the Worker uses. See `[alias]` in wrangler.toml.
 *
 * zod's default error map is this same English module (`zod/v4/locales/en.js`, set by the first
 * schema built), so our 400 answers read exactly as with the full table. To use another locale,
 * export it here too: `export { default as fr } from "zod/v4/locales/fr.js";`.
 */
export { default as en } from "zod/v4/locales/en.js";
