/**
 * What the app needs to know of a surface: where it lives, how it is mounted,
 * and how its errors look. The app derives from these descriptors alone which
 * paths are its own, which renderer answers each path's errors, and where
 * services are put on the context; surfaces never know each other.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Handler } from "hono";
import type { AppEnv } from "../http/app-env";
import type { ErrorRenderer } from "../http/errors";

export interface Surface {
  /** Path prefixes the surface answers: `/v1` covers `/v1` and everything under `/v1/`. */
  prefixes: readonly string[];
  /** Mounts the surface's routes on the app. */
  mount(app: OpenAPIHono<AppEnv>): void;
  /** How errors on the surface's paths look. */
  renderError: ErrorRenderer;
  /** Largest request body on the surface's paths, when not the app's default. */
  maxBodyBytes?: number;
  /** Answers the paths no surface owns (one surface at most: the gateway). */
  fallback?: Handler<AppEnv>;
}

/** The surface a path belongs to, if any. */
export const surfaceOf = (surfaces: readonly Surface[], path: string) =>
  surfaces.find((s) => s.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)));
