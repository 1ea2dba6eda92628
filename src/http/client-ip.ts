/** Where a request comes from, as Cloudflare reports it. */
import type { Context } from "hono";
import type { AppEnv } from "./app-env";

/**
 * The client's address exactly as reported in `CF-Connecting-IP` (the audit log
 * keeps it as is); null when unknown. Rate limits count `ipLimitKey` of it
 * instead, so that every spelling of one client shares one budget.
 */
export const clientIp = (c: Context<AppEnv>) => c.req.header("CF-Connecting-IP")?.trim() || null;
