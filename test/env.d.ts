// Types of `env` and `exports` from "cloudflare:workers" inside the test Worker.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
    }
    interface GlobalProps {
      mainModule: typeof import("../src/index");
    }
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    /** The echo origin started by test/setup/origin-server.ts, for gateway tests. */
    originUrl: string;
    /** A second echo server that no test configures: reaching it means a request went astray. */
    canaryUrl: string;
    /** GitHub's secret scanning key endpoint, as the leak-response tests publish keys on it. */
    keysUrl: string;
  }
}
