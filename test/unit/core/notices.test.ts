/** The cron's notices as the core decides them (core/webhooks/notices.ts), on the in-memory store. */
import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../../src/core/webhooks/lifecycle";
import { type NoticeSettings, runNotices } from "../../../src/core/webhooks/notices";
import type { NoticeRow } from "../../../src/core/webhooks/ports";
import { MemoryNotices, type NoticeCredential } from "../../helpers/in-memory/notices";

const start = Date.UTC(2026, 0, 1);
const row = (more: Partial<NoticeCredential>): NoticeCredential => ({
  id: "c1",
  kind: "api_key",
  orgId: "o1",
  orgName: "acme",
  name: "ci",
  clientId: null,
  expiresAt: null,
  noticedDays: null,
  lastUsedAt: null,
  createdAt: start,
  dueAt: null,
  inactiveNoticedAt: null,
  ...more,
});
const settings: NoticeSettings = { warningDays: [30, 7, 1], inactiveAfterDays: null, inactiveDisable: "off" };
const quiet = { disable: async () => {}, log: () => {} };

describe("runNotices", () => {
  it("warns at each threshold once and then says expired, running daily; a second run the same day sends nothing", async () => {
    const store = new MemoryNotices([row({ expiresAt: start + 35 * DAY_MS, dueAt: start })]);
    for (let day = 0; day <= 40; day++) {
      await runNotices(store, settings, quiet, start + day * DAY_MS);
      await runNotices(store, settings, quiet, start + day * DAY_MS);
    }
    expect(store.events.map((e) => [e.type, (e.data as { threshold_days?: number }).threshold_days ?? null])).toEqual([
      ["credential.expiring", 30],
      ["credential.expiring", 7],
      ["credential.expiring", 1],
      ["credential.expired", null],
    ]);
    expect(store.events[0]!.data).toMatchObject({
      id: "c1",
      org_name: "acme",
      days_left: 30,
      expires_at: new Date(start + 35 * DAY_MS).toISOString(),
    });
  });

  it("notices inactivity once; disables an idle client credential with INACTIVE_DISABLE=true, only says so with dry-run, never a key", async () => {
    const idle = { lastUsedAt: start, createdAt: start - DAY_MS };
    const rows = () => [row({ id: "key", ...idle }), row({ id: "token", kind: "access_token", clientId: "x.access", ...idle })];
    const at = start + 40 * DAY_MS;
    for (const inactiveDisable of ["on", "dry-run", "off"] as const) {
      const store = new MemoryNotices(rows());
      const disabled: string[] = [];
      const logged: string[] = [];
      const effects = { disable: async (r: NoticeRow) => void disabled.push(r.id), log: (line: string) => void logged.push(line) };
      const report = await runNotices(store, { ...settings, inactiveAfterDays: 30, inactiveDisable }, effects, at);
      expect(report.inactive).toBe(2);
      expect(disabled).toEqual(inactiveDisable === "on" ? ["token"] : []);
      expect(logged.length).toBe(inactiveDisable === "dry-run" ? 1 : 0);
      const token = store.events.find((e) => e.data.id === "token")!;
      expect(token.data).toMatchObject({ inactive_days: 30, last_used_at: new Date(start).toISOString() });
      expect(token.data.disabled ?? token.data.would_disable ?? false).toBe(inactiveDisable !== "off");
      expect(store.events.find((e) => e.data.id === "key")!.data.disabled).toBeUndefined();
      // Noticed once: the next run finds nothing new.
      expect((await runNotices(store, { ...settings, inactiveAfterDays: 30, inactiveDisable }, effects, at + DAY_MS)).inactive).toBe(0);
    }
  });

  it("reads what is due in bounded pages, and a run that stops early leaves the rest for the next", async () => {
    const store = new MemoryNotices(Array.from({ length: 25 }, (_, i) => row({ id: `c${i}`, expiresAt: start, dueAt: start })));
    const first = await runNotices(store, settings, quiet, start + DAY_MS, { page: 10, maxPages: 2 });
    expect(first.expired).toBe(20);
    expect((await runNotices(store, settings, quiet, start + DAY_MS, { page: 10, maxPages: 2 })).expired).toBe(5);
  });
});
