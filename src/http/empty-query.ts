/**
 * A query parameter sent with an empty value means "not given": the official
 * Braintrust client sends `limit=` for `limit: null`, `org_name=` for an unset
 * org, and so on. Dropped before validation, on every list of every surface.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";

const EMPTY_VALUE = /[?&][^=&]+=(?:&|$)/;

export const dropEmptyQueryValues = createMiddleware<AppEnv>(async (c, next) => {
  if (EMPTY_VALUE.test(c.req.url)) {
    const url = new URL(c.req.url);
    const kept = [...url.searchParams].filter(([, value]) => value !== "");
    url.search = new URLSearchParams(kept).toString();
    // Handlers and validators read the query from the request's URL.
    c.req.raw = new Request(url, c.req.raw);
  }
  await next();
});
