/**
 * Stands in for zod's JSON Schema processors (`zod/v4/core/json-schema-processors.js`,
 * `z.toJSONSchema` and every schema's `_zod.processJSONSchema`) in the Worker bundle, which makes no
 * JSON Schema: the OpenAPI document is generated outside it (see `zod-to-openapi.ts`). See
 * `[alias]` in wrangler.toml.
 *
 * `aggregateChecks`, behind the schemas' lazy getters (`minLength`, `maxLength`, `format`,
 * `minValue`, `isInt`, …), is zod's own, so those read as with the whole of zod.
 */
// The module itself, by path: its package exports only `zod/v4/core`, and its other exports are left out.
export { aggregateChecks } from "../../node_modules/zod/v4/core/json-schema-processors.js";

function unavailable(): never {
  throw new Error("zod's JSON Schema output is left out of the Worker's bundle (src/zod-trim/json-schema-processors.ts)");
}

export {
  unavailable as allProcessors,
  unavailable as anyProcessor,
  unavailable as arrayProcessor,
  unavailable as bigintProcessor,
  unavailable as booleanProcessor,
  unavailable as catchProcessor,
  unavailable as customProcessor,
  unavailable as dateProcessor,
  unavailable as defaultProcessor,
  unavailable as enumProcessor,
  unavailable as fileProcessor,
  unavailable as functionProcessor,
  unavailable as intersectionProcessor,
  unavailable as lazyProcessor,
  unavailable as literalProcessor,
  unavailable as mapProcessor,
  unavailable as nanProcessor,
  unavailable as neverProcessor,
  unavailable as nonoptionalProcessor,
  unavailable as nullableProcessor,
  unavailable as nullProcessor,
  unavailable as numberProcessor,
  unavailable as objectProcessor,
  unavailable as optionalProcessor,
  unavailable as pipeProcessor,
  unavailable as prefaultProcessor,
  unavailable as promiseProcessor,
  unavailable as readonlyProcessor,
  unavailable as recordProcessor,
  unavailable as setProcessor,
  unavailable as stringProcessor,
  unavailable as successProcessor,
  unavailable as symbolProcessor,
  unavailable as templateLiteralProcessor,
  unavailable as toJSONSchema,
  unavailable as transformProcessor,
  unavailable as tupleProcessor,
  unavailable as undefinedProcessor,
  unavailable as unionProcessor,
  unavailable as unknownProcessor,
  unavailable as voidProcessor,
};
