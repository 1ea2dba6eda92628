/**
 * Stands in for zod's JSON Schema output (`zod/v4/core/to-json-schema.js` and
 * `json-schema-generator.js`: `schema.toJSONSchema()`, `~standard.jsonSchema`,
 * `z.core.JSONSchemaGenerator`) in the Worker bundle, which makes no JSON Schema: the OpenAPI
 * document is generated outside it (see `zod-to-openapi.ts`). See `[alias]` in wrangler.toml.
 * Building a schema still works; asking it for JSON Schema throws.
 */
function unavailable(): never {
  throw new Error("zod's JSON Schema output is left out of the Worker's bundle (src/zod-trim/to-json-schema.ts)");
}

/** The methods are made with every schema that is asked for them (`~standard`): only calling one throws. */
export const createToJSONSchemaMethod = () => unavailable;
export const createStandardJSONSchemaMethod = () => unavailable;

export class JSONSchemaGenerator {
  constructor() {
    unavailable();
  }
}

export {
  unavailable as extractDefs,
  unavailable as finalize,
  unavailable as handleUnrepresentable,
  unavailable as initializeContext,
  unavailable as process,
  unavailable as processSchema,
};
