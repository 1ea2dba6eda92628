/** Work that must not delay the response: handed to `waitUntil` when the runtime offers it. */
import type { Context } from "hono";

export function afterResponse(c: Context, work: Promise<unknown> | null): void {
  if (!work) return;
  // A failed background write loses a last-used time, nothing else; it must not surface as an error.
  const settled = work.catch((err: unknown) =>
    console.error("background write failed:", err instanceof Error ? err.message : String(err)),
  );
  try {
    c.executionCtx.waitUntil(settled);
  } catch {
    // No execution context (e.g. app.request in a unit test): the promise still runs.
  }
}
