/**
 * `GET /__bench/usage`: what the usage queue's consumer has written in this
 * isolate (batches, reports, D1 statements), for the usage simulation
 * (bench/usage-sim.mjs). Served only when BENCH_METRICS is "1"; otherwise the
 * path is nobody's, like the ceiling route's.
 */
import type { Context, Next } from "hono";
import { configOf } from "../config";
import type { AppEnv } from "../http/app-env";
import { usageMeter } from "../usage/consume";

export const USAGE_METER_PATH = "/__bench/usage";

export async function usageMeterRoute(c: Context<AppEnv>, next: Next) {
  if (!configOf(c.env).benchMetrics || c.req.method !== "GET") return next();
  return c.json({ ...usageMeter, clock: configOf(c.env).usageClock });
}
