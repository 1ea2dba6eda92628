/**
 * Global setup of the e2e project: the Worker started for real, the way a user
 * starts it (`npm run dev`), on a free loopback port with throw-away state.
 */
import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { type LocalWorker, startWorker as startLocalWorker } from "../../scripts/local-worker.mjs";
import { signingMaterial } from "../../scripts/signing-key.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
    /** A host the operator gave to `appsAccountId` (ORIGINS), for tests that put Access applications on it. */
    appsHost: string;
    appsAccountId: string;
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
  // One host is given to an account named before its org exists: bootstrap it with this account_id.
  const appsAccountId = randomUUID().replaceAll("-", "");
  const appsHost = "apps.console.e2e.test";
  const worker = await startWorker({ ORIGINS: JSON.stringify({ [appsHost]: { origin: "http://127.0.0.1:9", account_id: appsAccountId } }) });
  project.provide("appsHost", appsHost);
  project.provide("appsAccountId", appsAccountId);
  project.provide("baseUrl", worker.baseUrl);
  project.provide("adminToken", ADMIN_TOKEN);
  return () => worker.stop();
}
