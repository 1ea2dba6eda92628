/**
 * `GET /openapi.json`: the OpenAPI document generated from the routes (`openapi-document.ts`), a
 * static file beside the Worker, with `servers` naming the origin it was fetched from, so that
 * clients generated from it call the same server. The Worker bundles no generator.
 */
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { DOCS_ASSETS } from "./docs-page";

/** Where the generated document lives among the static files (public/). */
export const OPENAPI_ASSET = `${DOCS_ASSETS}/openapi.json`;

export async function openApiRoute(c: Context<AppEnv>) {
  const asset = await c.env.ASSETS.fetch(new URL(OPENAPI_ASSET, c.req.url));
  if (!asset.ok) throw new Error(`the OpenAPI document (${OPENAPI_ASSET}) answered ${asset.status}`);
  const { openapi, ...rest } = await asset.json<{ openapi: string }>();
  return c.json({ openapi, servers: [{ url: new URL(c.req.url).origin }], ...rest });
}
