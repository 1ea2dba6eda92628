/** Rate-limit helpers: rewinding a bucket in time instead of sleeping through a window. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { RateLimiter } from "../../src/ratelimit/rate-limiter-object";

/** Moves the bucket of `name` (`credential:<id>` or `ip:<address>`) `ms` into the past. */
export async function rewind(name: string, ms: number) {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
  await runInDurableObject(stub, (instance: RateLimiter, state) => {
    const stored = state.storage.kv.get<{ updatedAt: number }>("bucket");
    if (!stored) return;
    const rewound = { ...stored, updatedAt: stored.updatedAt - ms };
    state.storage.kv.put("bucket", rewound);
    (instance as unknown as { stored: unknown }).stored = rewound;
  });
}

/** A RATE_LIMITER binding whose objects cannot be reached. */
export const unreachableLimiter = {
  idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
  get: () => ({
    take: () => Promise.reject(new Error("Durable Object unreachable (test)")),
  }),
};

/** Counts the objects the Worker asks the RATE_LIMITER binding for. */
export function countingLimiter() {
  const names: string[] = [];
  const binding = {
    idFromName: (name: string) => {
      names.push(name);
      return env.RATE_LIMITER.idFromName(name);
    },
    get: (id: DurableObjectId) => env.RATE_LIMITER.get(id),
  };
  return { binding, names };
}
