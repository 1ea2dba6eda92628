/**
 * Benchmark instrumentation, on only when BENCH_METRICS is "1": counts and
 * times the D1 statements and Durable Object calls a request makes, reported in
 * `X-Bench-D1-Queries`, `X-Bench-DO-Calls` and `Server-Timing`. Off, it costs
 * one comparison per request.
 */
import type { Env } from "../env";

export interface Counts {
  d1: number;
  do: number;
  d1Ms: number;
  doMs: number;
}

export const newCounts = (): Counts => ({ d1: 0, do: 0, d1Ms: 0, doMs: 0 });

/** Wraps every method of `target` that returns a promise, adding its duration to `add`. */
function timed<T extends object>(target: T, add: (ms: number) => void, wrapResult?: (value: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const start = performance.now();
        const result = value.apply(obj, args);
        // D1 answers Promises; RPC stubs answer thenables that are not Promise instances.
        if (result && typeof (result as PromiseLike<unknown>).then === "function") {
          return Promise.resolve(result).finally(() => add(performance.now() - start));
        }
        return wrapResult ? wrapResult(result) : result;
      };
    },
  });
}

export function instrumented(env: Env, counts: Counts): Env {
  const addD1 = (ms: number) => (counts.d1Ms += ms);
  // Statements: `bind` returns a new statement, which must be timed too.
  const statement = (s: unknown): unknown => timed(s as object, addD1, statement);
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          counts.d1++;
          return statement(target.prepare(sql));
        };
      }
      if (prop === "batch") return (stmts: D1PreparedStatement[]) => timed(target, addD1).batch(stmts);
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const limiter = new Proxy(env.RATE_LIMITER, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) => {
          counts.do++;
          return timed(target.get(id), (ms) => (counts.doMs += ms));
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...env, DB: db, RATE_LIMITER: limiter };
}

/** The response headers of the counts. */
export function metricsHeaders(counts: Counts, totalMs: number): Record<string, string> {
  return {
    "X-Bench-D1-Queries": String(counts.d1),
    "X-Bench-DO-Calls": String(counts.do),
    "Server-Timing": `d1;dur=${counts.d1Ms.toFixed(3)}, do;dur=${counts.doMs.toFixed(3)}, total;dur=${totalMs.toFixed(3)}`,
  };
}
