/**
 * The Cron Trigger's notices, run at chosen times: an expiry warning at each of
 * 30, 7 and 1 days (once each, and again after a refresh moves the expiry),
 * `expired` once, `inactive` (reported in dry-run, disabling with
 * INACTIVE_DISABLE=true), each delivered as a signed webhook.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { expectLog } from "../../helpers/expected-logs";
import { call } from "../../helpers/http";
import { createWebhook, eventsOf, newBox, received, runCron, waitFor } from "../../helpers/lifecycle";

const DAY = 86_400_000;
const MINUTE = 60_000;

const expiresAt = async (id: string) =>
  (await env.DB.prepare("SELECT expires_at FROM credentials WHERE id = ?").bind(id).first<{ expires_at: number }>())!.expires_at;

describe("expiry notices", () => {
  it("warns 30, 7 and 1 days before, once each, then says expired once; a refresh starts over", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box, { events: ["credential.expiring", "credential.expired"] });
    const token = await createToken(a, { name: "expiring", duration: "1000h" });
    const expiry = await expiresAt(token.id);
    const seen = async (count: number) => eventsOf(hook.secret, await waitFor(box, count));

    await runCron(Date.now()); // 41 days left: nothing yet
    for (const [at, _days] of [
      [expiry - 30 * DAY + MINUTE, 30],
      [expiry - 7 * DAY + MINUTE, 7],
      [expiry - DAY + MINUTE, 1],
    ] as const) {
      await runCron(at);
      await runCron(at + MINUTE); // again in the same window: nothing more
    }
    await runCron(expiry + MINUTE);
    await runCron(expiry + 2 * MINUTE);
    const events = await seen(4);
    const mine = events.filter((e) => e.data.id === token.id);
    expect(mine.map((e) => [e.type, e.data.days_left ?? null])).toEqual([
      ["credential.expiring", 30],
      ["credential.expiring", 7],
      ["credential.expiring", 1],
      ["credential.expired", null],
    ]);
    expect(mine[0]!.data).toMatchObject({
      kind: "access_token",
      name: "expiring",
      org_id: a.org.id,
      expires_at: new Date(expiry).toISOString(),
      threshold_days: 30,
    });

    // A refresh moves the expiry: the warnings are due again for the new one.
    await cf("POST", `${a.base}/${token.id}/refresh`, { token: a.key });
    const moved = await expiresAt(token.id);
    expect(moved).toBeGreaterThan(expiry - DAY);
    await runCron(moved - 30 * DAY + MINUTE);
    const again = eventsOf(hook.secret, await waitFor(box, 5)).filter((e) => e.data.id === token.id);
    expect(again.at(-1)).toMatchObject({ type: "credential.expiring", data: { days_left: 30, expires_at: new Date(moved).toISOString() } });
  });

  it("sends one warning, of the tightest threshold, when several are passed at once", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box, { events: ["credential.expiring"] });
    const token = await createToken(a, { duration: "72h" });
    await runCron(Date.now());
    const [only] = eventsOf(hook.secret, await waitFor(box, 1)).filter((e) => e.data.id === token.id);
    expect(only!.data).toMatchObject({ days_left: 3, threshold_days: 7 });
  });
});

describe("inactivity", () => {
  it("reports credentials unused for INACTIVE_AFTER_DAYS; dry-run disables nothing, true disables Access tokens (audited)", async () => {
    const a = await account();
    const box = newBox();
    const hook = await createWebhook(a.key, box, { events: ["credential.inactive"] });
    const idle = await createToken(a, { name: "idle" });
    const later = Date.now() + 3 * DAY;

    // A dry run says in the log what it would disable.
    const wouldDisable = expectLog(/^INACTIVE_DISABLE=dry-run: would disable Access service token /);
    await runCron(later, { INACTIVE_AFTER_DAYS: "2", INACTIVE_DISABLE: "dry-run" });
    expect(wouldDisable.lines.filter((line) => line.includes(idle.id))).toHaveLength(1);
    // The owner's bootstrap key is idle too: wait for the token's own event.
    const eventFor = async (id: string) => {
      for (let i = 0; i < 100; i++) {
        const found = eventsOf(hook.secret, await received(box)).find((e) => e.data.id === id);
        if (found) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no inactive event for ${id}`);
    };
    const first = await eventFor(idle.id);
    expect(first!.data).toMatchObject({ kind: "access_token", name: "idle", inactive_days: 2, last_used_at: null, would_disable: true });
    expect((await cf("GET", `${a.base}/${idle.id}`, { token: a.key })).body.result.enabled).toBe(true);

    // Noticed once; a second token is disabled for real.
    const idle2 = await createToken(a, { name: "idle-2" });
    await runCron(later + DAY, { INACTIVE_AFTER_DAYS: "2", INACTIVE_DISABLE: "true" });
    await eventFor(idle2.id);
    const events = eventsOf(hook.secret, await received(box));
    expect(events.filter((e) => e.data.id === idle.id)).toHaveLength(1);
    expect(events.find((e) => e.data.id === idle2.id)!.data).toMatchObject({ disabled: true });
    expect((await cf("GET", `${a.base}/${idle2.id}`, { token: a.key })).body.result.enabled).toBe(false);
    const audit = await call("GET", `/v1/audit_events?target_id=${idle2.id}&action=access_token.update`, { token: a.key });
    expect(audit.body.objects[0]).toMatchObject({ changes: { enabled: false } });
  });
});
