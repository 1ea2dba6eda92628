/**
 * Stands in for zod's ahead-of-time compiler (`zod/v4/core/compile.js`, `z.compile`) in the Worker
 * bundle. See `[alias]` in wrangler.toml.
 *
 * The compiler generates parsers with `new Function`, which Workers forbid: in a Worker,
 * `z.compile(schema)` always hands the schema back unchanged on the runtime parser, and
 * `compileFn` (or `compile` with `strict`) throws `ZodCompileUnsupportedError`. This does the
 * same without the code generator. Only `withParser`, which installs a parser generated elsewhere,
 * is not available.
 */
export const INVALID: unique symbol = Symbol.for("zod.compile.invalid") as never;

export class ZodCompileAsyncError extends Error {
  constructor(message = "z.compile does not support async refinements, transforms, or checks") {
    super(message);
    this.name = "ZodCompileAsyncError";
  }
}

export class ZodCompileUnsupportedError extends Error {
  readonly islandable: boolean;
  constructor(feature: string, islandable = true) {
    super(`z.compile does not support ${feature}; this schema must use the runtime parser`);
    this.name = "ZodCompileUnsupportedError";
    this.islandable = islandable;
  }
}

const noCodeGeneration = () => new ZodCompileUnsupportedError("code generation in a Worker (new Function is disallowed)", false);

export function compileFn(): never {
  throw noCodeGeneration();
}

export function compile<T>(schema: T, options?: { strict?: boolean }): T {
  if (options?.strict) throw noCodeGeneration();
  return schema;
}

export function withParser(): never {
  throw new Error("z.withParser is left out of the Worker's bundle (src/zod-trim/compile.ts)");
}
