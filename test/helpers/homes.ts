/**
 * Tests that change a credential's row in D1 directly (to move its expiry into
 * the past, say, instead of waiting) do it as every write of the service does:
 * holding the credential's home around the write, so that the home re-reads it.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { DurableObjectHomes } from "../../src/auth/credential-homes";
import type { CredentialObject } from "../../src/auth/credential-object";
import { type CredentialRef, refKey } from "../../src/core/credentials/verification-cache";

/** The home of the credential with this id, as stored. */
export async function refOfId(id: string): Promise<CredentialRef> {
  const row = await env.DB.prepare("SELECT kind, client_id FROM credentials WHERE id = ?")
    .bind(id)
    .first<{ kind: string; client_id: string }>();
  if (!row) throw new Error(`no credential ${id}`);
  return row.kind === "access_token" ? { kind: "access_token", clientId: row.client_id } : { kind: row.kind as "api_key", id };
}

/** Runs `sql` against D1 under a hold of the homes of `ids` (credential ids), as the service's writes do. */
export async function writeThrough(ids: string[], sql: string, ...binds: unknown[]) {
  const refs = await Promise.all(ids.map(refOfId));
  const homes = new DurableObjectHomes(env);
  const hold = await homes.hold(refs);
  await env.DB.prepare(sql)
    .bind(...binds)
    .run();
  await homes.release(hold, refs);
}

/** Sets columns of one credential's row, through its home. */
export const updateCredentialRow = (id: string, set: Record<string, unknown>) =>
  writeThrough(
    [id],
    `UPDATE credentials SET ${Object.keys(set)
      .map((k) => `${k} = ?`)
      .join(", ")} WHERE id = ?`,
    ...Object.values(set),
    id,
  );

/** The home's state, as the object holds it: its cached record (undefined when none) and when it was read. */
export async function homeState(ref: CredentialRef) {
  const stub = env.CREDENTIALS.get(env.CREDENTIALS.idFromName(refKey(ref)));
  return runInDurableObject(stub, (instance: CredentialObject) => {
    const inner = instance as unknown as { record: unknown; loadedAt: number };
    return { cached: inner.record !== undefined && inner.record !== null, loadedAt: inner.loadedAt };
  });
}

/** A CREDENTIALS binding whose objects cannot be reached. */
export const unreachableHomes = {
  idFromName: (name: string) => env.CREDENTIALS.idFromName(name),
  get: () => {
    const fail = () => Promise.reject(new Error("Durable Object unreachable (test)"));
    return { verify: fail, hold: fail, release: fail };
  },
};

/**
 * Polls `check` every 20 ms until it holds, for at most `withinMs` (1 s: writes a home makes after
 * its answer; 15 s: what goes through the usage queue, whose batches wait up to 5 s).
 */
export async function eventually(check: () => Promise<boolean>, withinMs = 1_000) {
  for (let i = 0; i < withinMs / 20; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met within ${withinMs / 1000} s`);
}
