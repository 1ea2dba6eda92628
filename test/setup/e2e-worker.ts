/**
 * Global setup of the e2e project: the Worker started for real, the way a user
 * starts it (`npm run dev`), on a free loopback port with throw-away state,
 * shared by every e2e file that needs no configuration of its own. Beside it,
 * GitHub's secret scanning key endpoint (test/setup/origin-server.ts), where the
 * leak-response test publishes GitHub's key.
 */
import { randomUUID } from "node:crypto";
import type { TestProject } from "vitest/node";
import { type LocalWorker, startWorker as startLocalWorker } from "../../scripts/local-worker.mjs";
import { signingMaterial } from "../../scripts/signing-key.mjs";
import { keyServer } from "./origin-server";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
    /** A host the operator gave to `appsAccountId` (ORIGINS), for tests that put Access applications on it. */
    appsHost: string;
    appsAccountId: string;
    /** The shared Worker's GITHUB_SECRET_SCANNING_KEYS_URL: `PUT` a `{public_keys}` document there to publish it. */
    githubKeysUrl: string;
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
  const keys = await keyServer();
  const githubKeysUrl = `${keys.url}/meta/public_keys/secret_scanning`;
  // One host is given to an account named before its org exists: bootstrap it with this account_id.
  const appsAccountId = randomUUID().replaceAll("-", "");
  const appsHost = "apps.console.e2e.test";
  const worker = await startWorker({
    GITHUB_SECRET_SCANNING_KEYS_URL: githubKeysUrl,
    ORIGINS: JSON.stringify({ [appsHost]: { origin: "http://127.0.0.1:9", account_id: appsAccountId } }),
    // Every e2e file calls from 127.0.0.1, two files at a time: one address's budget of failed
    // authentications (20 a minute) is not what these tests are about (ratelimit/ and
    // hardening/ integration tests are), and must not make one file fail because of another.
    AUTH_FAILURE_LIMIT: "1000",
  });
  project.provide("appsHost", appsHost);
  project.provide("appsAccountId", appsAccountId);
  project.provide("baseUrl", worker.baseUrl);
  project.provide("adminToken", ADMIN_TOKEN);
  project.provide("githubKeysUrl", githubKeysUrl);
  return async () => {
    await worker.stop();
    await keys.close();
  };
}
