/**
 * Benchmark instrumentation, on only when BENCH_METRICS is "1": counts and
 * times the D1 statements and Durable Object calls a request makes, reported in
 * `X-Bench-D1-Queries`, `X-Bench-DO-Calls` and `Server-Timing`. Off, it costs
 * one comparison per request.
 *
 * Every Durable Object namespace binding of the environment is wrapped (found
 * by shape: `idFromName` and `get`), so a new binding is counted without an
 * edit here. A DO call is a call of a stub's method (`fetch` or an RPC method):
 * one round trip to the object; getting a stub alone costs none.
 */
import type { Env } from "../env";

export interface Counts {
  d1: number;
  do: number;
  d1Ms: number;
  doMs: number;
}

export const newCounts = (): Counts => ({ d1: 0, do: 0, d1Ms: 0, doMs: 0 });

interface Hooks {
  /** Adds the duration of one awaited call. */
  add: (ms: number) => void;
  /** Called once per method call (not for symbol-keyed methods such as `Symbol.dispose`). */
  onCall?: () => void;
  /** Sees the value an awaited call answered. */
  onResult?: (value: unknown) => void;
  /** Wraps a result that is not a promise (a bound D1 statement). */
  wrapResult?: (value: unknown) => unknown;
}

/**
 * Wraps every method of `target`: counts its calls and adds the duration of
 * those that answer a promise. The method is invoked with `Reflect.apply`, never
 * `value.apply(...)`: on an RPC stub every property, `apply` included, names a
 * remote method, so `stub.take.apply` would call a method "apply" on the object.
 */
function timed<T extends object>(target: T, hooks: Hooks): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value: unknown = Reflect.get(obj, prop);
      if (typeof value !== "function") return value;
      if (typeof prop === "symbol") return (...args: unknown[]) => Reflect.apply(value, obj, args);
      return (...args: unknown[]) => {
        hooks.onCall?.();
        const start = performance.now();
        const result: unknown = Reflect.apply(value, obj, args);
        // D1 answers Promises; RPC stubs answer thenables that are not Promise instances.
        if (result && typeof (result as PromiseLike<unknown>).then === "function") {
          return Promise.resolve(result)
            .then((value) => {
              hooks.onResult?.(value);
              return value;
            })
            .finally(() => hooks.add(performance.now() - start));
        }
        return hooks.wrapResult ? hooks.wrapResult(result) : result;
      };
    },
  });
}

/** A Durable Object namespace binding, recognised by shape. */
export function isDurableObjectNamespace(value: unknown): value is DurableObjectNamespace {
  if (!value || typeof value !== "object") return false;
  const ns = value as Record<string, unknown>;
  return typeof ns.idFromName === "function" && typeof ns.get === "function";
}

/** The namespace with every stub it hands out (`get`, `getByName`, also under a `jurisdiction`) counted and timed. */
function countedNamespace(ns: DurableObjectNamespace, counts: Counts): DurableObjectNamespace {
  const stubHooks: Hooks = {
    add: (ms) => (counts.doMs += ms),
    onCall: () => counts.do++,
    // An object that reads D1 on the request's behalf says how often (a credential's home does): those count too.
    onResult: (value) => {
      const d1 = (value as { d1Statements?: unknown } | null)?.d1Statements;
      if (typeof d1 === "number") counts.d1 += d1;
    },
  };
  return new Proxy(ns, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "get" || prop === "getByName") {
        return (...args: unknown[]) => timed(Reflect.apply(value, target, args) as object, stubHooks);
      }
      if (prop === "jurisdiction") {
        return (...args: unknown[]) => countedNamespace(Reflect.apply(value, target, args) as DurableObjectNamespace, counts);
      }
      return (...args: unknown[]) => Reflect.apply(value, target, args);
    },
  });
}

export function instrumented(env: Env, counts: Counts): Env {
  const addD1 = (ms: number) => (counts.d1Ms += ms);
  // Statements: `bind` returns a new statement, which must be timed too.
  const statement = (s: unknown): unknown => timed(s as object, { add: addD1, wrapResult: statement });
  const db = new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          counts.d1++;
          return statement(target.prepare(sql));
        };
      }
      if (prop === "batch") return (stmts: D1PreparedStatement[]) => timed(target, { add: addD1 }).batch(stmts);
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (...args: unknown[]) => Reflect.apply(value, target, args) : value;
    },
  });
  const wrapped: Record<string, unknown> = { ...env, DB: db };
  for (const [name, value] of Object.entries(env)) {
    if (isDurableObjectNamespace(value)) wrapped[name] = countedNamespace(value, counts);
  }
  return wrapped as unknown as Env;
}

/** The response headers of the counts. */
export function metricsHeaders(counts: Counts, totalMs: number): Record<string, string> {
  return {
    "X-Bench-D1-Queries": String(counts.d1),
    "X-Bench-DO-Calls": String(counts.do),
    "Server-Timing": `d1;dur=${counts.d1Ms.toFixed(3)}, do;dur=${counts.doMs.toFixed(3)}, total;dur=${totalMs.toFixed(3)}`,
  };
}
