/** The type of this surface's router, apart from the router so that endpoint files can name it without importing it. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";

export type AdminApp = OpenAPIHono<AppEnv>;
