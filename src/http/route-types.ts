/**
 * Request and response types inferred from a route's own schemas, so that each
 * endpoint file can export its types without writing them twice:
 * `export type CreateApiKeyRequest = RouteRequest<typeof createApiKeyRoute>`.
 */
import type { RouteConfig, z } from "@hono/zod-openapi";

type Infer<S> = S extends z.ZodType ? z.output<S> : never;
type JsonSchemaOf<C> = C extends { content: { "application/json": { schema: infer S } } } ? S : never;
type Part<R extends RouteConfig, K extends "params" | "query"> = R["request"] extends { [P in K]: infer S }
  ? { [P in K]: Infer<S> }
  : unknown;
type Body<R extends RouteConfig> = R["request"] extends { body: infer B } ? { body: Infer<JsonSchemaOf<B>> } : unknown;

/** What a route takes: its path params, query and JSON body, each present only if the route declares it. */
export type RouteRequest<R extends RouteConfig> = Part<R, "params"> & Part<R, "query"> & Body<R>;

/** What a route answers with its success status (200, 201 or 202), as JSON. */
export type RouteResponse<R extends RouteConfig> = {
  [S in keyof R["responses"]]: S extends 200 | 201 | 202 ? Infer<JsonSchemaOf<R["responses"][S]>> : never;
}[keyof R["responses"]];
