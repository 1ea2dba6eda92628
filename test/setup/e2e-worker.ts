/**
 * Global setup of the e2e project: the Worker started for real, the way a user
 * starts it (`npm run dev`), on a free loopback port with throw-away state.
 */
import type { TestProject } from "vitest/node";
import { type LocalWorker, startWorker as startLocalWorker } from "../../scripts/local-worker.mjs";
import { signingMaterial } from "../../scripts/signing-key.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
  }
}

export const ADMIN_TOKEN = "e2e-admin-token";
const TOKEN_PEPPER = "e2e-pepper-0123456789abcdef";

export type RunningWorker = LocalWorker;

/** Starts a Worker with the e2e secrets (an RS256 key with its certificate, as `npm run dev` makes) and these extra `--var`s. */
export async function startWorker(vars: Record<string, string> = {}): Promise<RunningWorker> {
  const { jwk, certificate } = await signingMaterial({ alg: "RS256" });
  const signing = { JWT_PRIVATE_KEY: jwk, JWT_CERTIFICATE: certificate.trim().replaceAll("\n", "\\n") };
  const WEBHOOK_ENCRYPTION_KEY = "e2e-webhook-key-0123456789abcdef";
  return startLocalWorker({ vars: { ADMIN_TOKEN, TOKEN_PEPPER, WEBHOOK_ENCRYPTION_KEY, ...signing, ...vars } });
}

export default async function setup(project: TestProject) {
  const worker = await startWorker();
  project.provide("baseUrl", worker.baseUrl);
  project.provide("adminToken", ADMIN_TOKEN);
  return () => worker.stop();
}
