/**
 * Stands in for zod's JSON Schema reader (`zod/v4/classic/from-json-schema.js`,
 * `z.fromJSONSchema`) in the Worker bundle, which builds no schema from JSON Schema. See `[alias]`
 * in wrangler.toml.
 */
export function fromJSONSchema(): never {
  throw new Error("z.fromJSONSchema is left out of the Worker's bundle (src/zod-trim/from-json-schema.ts)");
}
