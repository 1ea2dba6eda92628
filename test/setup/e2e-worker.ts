/**
 * Global setup of the e2e project: the Worker started for real, the way a user
 * starts it (`npm run dev`), on a free loopback port with throw-away state.
 */
import type { TestProject } from "vitest/node";
import { type LocalWorker, startWorker as startLocalWorker } from "../../scripts/local-worker.mjs";
import { generateSigningJwk } from "./jwk";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
  }
}

export const ADMIN_TOKEN = "e2e-admin-token";
const TOKEN_PEPPER = "e2e-pepper-0123456789abcdef";

export type RunningWorker = LocalWorker;

/** Starts a Worker with the e2e secrets and these extra `--var`s. */
export function startWorker(vars: Record<string, string> = {}): Promise<RunningWorker> {
  return startLocalWorker({ vars: { ADMIN_TOKEN, TOKEN_PEPPER, JWT_PRIVATE_KEY: generateSigningJwk(), ...vars } });
}

export default async function setup(project: TestProject) {
  const worker = await startWorker();
  project.provide("baseUrl", worker.baseUrl);
  project.provide("adminToken", ADMIN_TOKEN);
  return () => worker.stop();
}
