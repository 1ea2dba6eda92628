/** Rate-limit helpers: rewinding a bucket in time instead of sleeping through a window. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { forget } from "../../src/auth/ip-blocks";

/**
 * Moves a bucket `ms` into the past: a client's failures (`ip:<key>`, whose
 * isolate memo is forgotten too unless `keepMemo`) or a credential's requests
 * (its home's name, `key:<id>` or `client:<client id>`).
 */
export async function rewind(name: string, ms: number, { keepMemo = false } = {}) {
  const ip = name.startsWith("ip:");
  const namespace: DurableObjectNamespace = ip ? env.RATE_LIMITER : env.CREDENTIALS;
  const field = ip ? "stored" : "bucket";
  await runInDurableObject(namespace.get(namespace.idFromName(name)), (instance: object, state) => {
    const stored = state.storage.kv.get<{ updatedAt: number }>("bucket");
    if (!stored) return;
    const rewound = { ...stored, updatedAt: stored.updatedAt - ms };
    state.storage.kv.put("bucket", rewound);
    (instance as Record<string, unknown>)[field] = rewound;
  });
  if (ip && !keepMemo) forget(name.slice(3));
}

/** A RATE_LIMITER binding whose objects cannot be reached. */
export const unreachableLimiter = {
  idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
  get: () => ({
    take: () => Promise.reject(new Error("Durable Object unreachable (test)")),
  }),
};

/** A Durable Object binding that records the names of the objects asked for. */
export function countingNamespace(namespace: DurableObjectNamespace) {
  const names: string[] = [];
  const binding = {
    idFromName: (name: string) => {
      names.push(name);
      return namespace.idFromName(name);
    },
    get: (id: DurableObjectId) => namespace.get(id),
  };
  return { binding, names };
}
