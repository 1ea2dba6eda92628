/**
 * Stands in for `@asteasolutions/zod-to-openapi` in the Worker bundle, where `@hono/zod-openapi` is
 * its only importer. See `[alias]` in wrangler.toml.
 *
 * The OpenAPI document is generated when the routes change, not in the Worker: the unit test
 * `test/unit/openapi-document.test.ts` builds it from the same route files (with the real
 * generator, in Node) and checks it byte for byte against `public/docs-assets/openapi.json`, which
 * the Worker serves at `/openapi.json` (`http/openapi-route.ts`). So the Worker needs none of the
 * generator, nor of what it keeps per schema: `.openapi(...)` (route and schema metadata for the
 * document, no part of validation) hands the schema back unchanged instead of cloning it, and the
 * registry of each `OpenAPIHono` records nothing. `@hono/zod-openapi`'s own code, which registers
 * the routes and their validators, is unchanged.
 */
import type { z } from "zod";

/** What the Worker's `OpenAPIHono`s register: nothing is kept, so mounting a router copies nothing. */
export class OpenAPIRegistry {
  readonly definitions: never[] = [];
  register<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerParameter<T>(_refId: string, schema: T): T {
    return schema;
  }
  registerPath(): void {}
  registerWebhook(): void {}
  registerComponent(_type: string, name: string, component: unknown) {
    return { name, ref: { $ref: `#/components/${_type}/${name}` }, component };
  }
}

class NoGenerator {
  generateDocument(): never {
    throw new Error(
      "the OpenAPI document is generated outside the Worker (test/unit/openapi-document.test.ts) and served from public/docs-assets/openapi.json",
    );
  }
}
export { NoGenerator as OpenApiGeneratorV3, NoGenerator as OpenApiGeneratorV31, NoGenerator as OpenApiGeneratorV32 };

/** `.openapi(...)` on every schema: the metadata is the document's, so the schema is handed back as it is. */
export function extendZodWithOpenApi(zod: { ZodType: { prototype: object } }): void {
  const prototype = zod.ZodType.prototype as { openapi?: (this: z.ZodType) => z.ZodType };
  prototype.openapi ??= function openapi() {
    return this;
  };
}

export const getOpenApiMetadata = (): Record<string, never> => ({});
