/**
 * Driving a credential's home's usage in integration tests: its clock (the
 * counts' and reports' notion of now), its hourly alarm run on demand with
 * the report caught, and the usage queue's consumer fed a batch of reports.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { CredentialObject } from "../../src/auth/credential-object";
import type { UsageReport } from "../../src/core/credentials/ports";
import { type CredentialRef, refKey } from "../../src/core/credentials/verification-cache";
import { consumeUsage } from "../../src/usage/consume";

const stubOf = (ref: CredentialRef) => env.CREDENTIALS.get(env.CREDENTIALS.idFromName(refKey(ref)));

interface Inner {
  usage: {
    parts: { clock: { now: () => number; toReal: (at: number) => number }; outbox: { send: (report: UsageReport) => Promise<void> } };
  };
}

/** A clock the test moves: the home of `ref` counts and reports by it from now on. */
export async function driveClock(ref: CredentialRef, start: number) {
  const clock = { now: start };
  await runInDurableObject(stubOf(ref), (instance: CredentialObject) => {
    // Its alarms land in the driven future: they run only when the test runs them (runReport).
    (instance as unknown as Inner).usage.parts.clock = { now: () => clock.now, toReal: (at) => at };
  });
  return clock;
}

/** Runs the home's alarm now (whatever time it was set for) and answers the reports it sent; `failing`: every send throws. */
export async function runReport(ref: CredentialRef, failing = false): Promise<UsageReport[]> {
  const sent: UsageReport[] = [];
  const stub = stubOf(ref);
  await runInDurableObject(stub, (instance: CredentialObject) => {
    (instance as unknown as Inner).usage.parts.outbox = {
      send: async (report) => {
        if (failing) throw new Error("queue unavailable (test)");
        sent.push(structuredClone(report));
      },
    };
  });
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  return sent;
}

/** When the home's alarm is set (null: none). */
export const alarmOf = (ref: CredentialRef) => runInDurableObject(stubOf(ref), (_: CredentialObject, state) => state.storage.getAlarm());

/** Delivers `reports` as one batch of the usage queue to its consumer; answers what the consumer did with the batch. */
export async function deliver(reports: UsageReport[]) {
  const batch = createMessageBatch<UsageReport>(
    "edgekeys-usage",
    reports.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumeUsage(batch, env);
  return getQueueResult(batch, ctx);
}
