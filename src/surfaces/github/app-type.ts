import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";

/** The router of the GitHub-facing surface (secret scanning reports, public revocation). */
export type GithubApp = OpenAPIHono<AppEnv>;
