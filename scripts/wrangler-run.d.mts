/** Types of wrangler-run.mjs for the TypeScript tests that import it. */
export function readWranglerConfig(path?: string): { name?: string; d1: Record<string, string>[]; queues: string[] };
