/**
 * The hourly path from a credential's home to D1, under a driven clock: the
 * minute → hour rollups and their retention in the home, the alarm's report,
 * the usage queue's consumer (src/usage/consume.ts → src/db/usage.ts), and the
 * org-wide GET /v1/usage that reads what it wrote.
 */
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, MINUTE_MS, REPORT_SPREAD_MS } from "../../../src/core/credentials/usage";
import { mintToken } from "../../../src/core/credentials/tokens";
import { bootstrap, call, unique } from "../../helpers/http";
import { alarmOf, deliver, driveClock, runReport } from "../../helpers/usage";
import { expectLog } from "../../helpers/expected-logs";

// In the future, so that no alarm set by this clock fires by itself while the test runs.
const START = Date.UTC(2027, 2, 1, 10, 10);
const useKey = (key: string, n: number) => Promise.all(Array.from({ length: n }, () => call("GET", "/v1/api_key", { token: key })));
const dayRow = (id: string, day: number) =>
  env.DB.prepare("SELECT through, requests, success, wrong_secret FROM usage_days WHERE credential_id = ? AND day = ?")
    .bind(id, day)
    .first();

async function keyOf(ownerKey: string, name: string) {
  const res = await call("POST", "/v1/api_key", { token: ownerKey, body: { name } });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; key: string };
}

describe("usage reports", () => {
  it("rolls minutes into hours, reports each finished hour once as its day's total, and D1 keeps the latest", async () => {
    const b = await bootstrap();
    const k = await keyOf(b.api_key.key, "reported");
    const ref = { kind: "api_key" as const, id: k.id };
    // From its first request on, the home counts by the test's clock.
    const clock = await driveClock(ref, START);
    await useKey(k.key, 3);
    await call("GET", "/v1/api_key", { token: mintToken("api_key", k.id).token });
    const alarm = await alarmOf(ref);
    expect(alarm).toBeGreaterThanOrEqual(START - (START % HOUR_MS) + HOUR_MS);
    expect(alarm).toBeLessThan(START - (START % HOUR_MS) + HOUR_MS + REPORT_SPREAD_MS);

    // The next hour: one more use; the alarm reports the finished hour only.
    clock.now = START + HOUR_MS;
    await useKey(k.key, 2);
    const day = START - (START % DAY_MS);
    const hourEnd = START - (START % HOUR_MS) + HOUR_MS;
    // A send that fails sets the alarm again in 5 minutes (real time), forever, and reports nothing as sent.
    const failed = expectLog(/^usage: the hourly report failed; retried in 5 minutes/);
    const before = Date.now();
    expect(await runReport(ref, true)).toEqual([]);
    expect(failed.lines).toHaveLength(1);
    expect(await alarmOf(ref)).toBeGreaterThanOrEqual(before + 5 * MINUTE_MS);
    const first = await runReport(ref);
    expect(first).toEqual([
      {
        id: k.id,

        days: [{ day, through: hourEnd, tally: [3, 0, 0, 0, 0, 0, 1] }],
        lastUsedAt: START + HOUR_MS,
        credits: null,
      },
    ]);
    // Used in the current hour: the next report is already due.
    expect(await alarmOf(ref)).toBeGreaterThanOrEqual(hourEnd + HOUR_MS);

    expect(await deliver(first)).toMatchObject({ explicitAcks: [], retryBatch: { retry: false }, ackAll: true });
    expect(await dayRow(k.id, day)).toEqual({ through: hourEnd, requests: 4, success: 3, wrong_secret: 1 });
    const stored = await env.DB.prepare("SELECT last_used_at FROM credentials WHERE id = ?").bind(k.id).first<{ last_used_at: number }>();
    expect(stored?.last_used_at).toBe(START + HOUR_MS);

    // Two hours on: the day's total through the later hour replaces the row; a late or repeated report changes nothing.
    clock.now = START + 2 * HOUR_MS;
    const second = await runReport(ref);
    expect(second[0]?.days).toEqual([{ day, through: hourEnd + HOUR_MS, tally: [5, 0, 0, 0, 0, 0, 1] }]);
    await deliver(second);
    await deliver(first);
    await deliver(second);
    expect(await dayRow(k.id, day)).toEqual({ through: hourEnd + HOUR_MS, requests: 6, success: 5, wrong_secret: 1 });
    // Nothing used since: no alarm is left set.
    expect(await alarmOf(ref)).toBeNull();

    // Series read back from the home: the minutes of the last 24 h and the hours, by the home's clock.
    const hours = await call(
      "GET",
      `/v1/api_key/${k.id}/usage?granularity=hour&from=${new Date(START - HOUR_MS).toISOString()}&to=${new Date(START + 3 * HOUR_MS).toISOString()}`,
      {
        token: b.api_key.key,
      },
    );
    expect(hours.status, hours.text).toBe(200);
    expect(hours.body.series.map((s: { requests: number }) => s.requests)).toEqual([0, 4, 2, 0]);

    // A day and more later the minutes are gone, the hours kept; after 30 days the hours too.
    clock.now = START + DAY_MS + 2 * HOUR_MS;
    await useKey(k.key, 1);
    const later = await call(
      "GET",
      `/v1/api_key/${k.id}/usage?granularity=minute&from=${new Date(START).toISOString()}&to=${new Date(clock.now + MINUTE_MS).toISOString()}`,
      {
        token: b.api_key.key,
      },
    );
    expect(later.body.totals.requests, JSON.stringify(later.body.series.filter((x: { requests: number }) => x.requests))).toBe(1);
    const month = await call(
      "GET",
      `/v1/api_key/${k.id}/usage?granularity=hour&from=${new Date(START - HOUR_MS).toISOString()}&to=${new Date(clock.now + HOUR_MS).toISOString()}`,
      {
        token: b.api_key.key,
      },
    );
    expect(month.body.totals.requests).toBe(7);
    clock.now = START + 32 * DAY_MS;
    await useKey(k.key, 1);
    const gone = await call(
      "GET",
      `/v1/api_key/${k.id}/usage?granularity=hour&from=${new Date(START).toISOString()}&to=${new Date(clock.now + HOUR_MS).toISOString()}`,
      {
        token: b.api_key.key,
      },
    );
    expect(gone.body.totals.requests, JSON.stringify(gone.body.series.filter((x: { requests: number }) => x.requests))).toBe(1);
  });

  it("counts a minute once however often it is read, across the object's eviction", async () => {
    const b = await bootstrap();
    const k = await keyOf(b.api_key.key, "read-often");
    const ref = { kind: "api_key" as const, id: k.id };
    const clock = await driveClock(ref, START);
    await useKey(k.key, 2);
    clock.now = START + MINUTE_MS;
    const range = `granularity=minute&from=${new Date(START).toISOString()}&to=${new Date(START + 2 * MINUTE_MS).toISOString()}`;
    const read = async () => (await call("GET", `/v1/api_key/${k.id}/usage?${range}`, { token: b.api_key.key })).body.totals.requests;
    expect(await read()).toBe(2);
    // Rebuilt from its storage (as after an idle spell or a deploy), on the same clock: still 2.
    await evictDurableObject(env.CREDENTIALS.get(env.CREDENTIALS.idFromName(`key:${k.id}`)));
    await driveClock(ref, START + MINUTE_MS);
    expect(await read()).toBe(2);
    expect(await read()).toBe(2);
    // And the hour's report says 2 as well.
    const later = await driveClock(ref, START + HOUR_MS);
    expect(later.now).toBe(START + HOUR_MS);
    const [report] = await runReport(ref);
    expect(report?.days[0]?.tally[0]).toBe(2);
  });

  it("ranks the org's credentials by requests over whole days, most or least used first, paged; owners only", async () => {
    const b = await bootstrap();
    const keys = await Promise.all(["a", "b", "c"].map((n) => keyOf(b.api_key.key, `rank-${n}`)));
    const day = Date.now() - (Date.now() % DAY_MS) - 2 * DAY_MS;
    // What the homes would report: key a 5 requests, key b 9 (2 of them wrong secrets), key c none.
    await deliver([
      {
        id: keys[0]!.id,

        days: [{ day, through: day + HOUR_MS, tally: [5, 0, 0, 0, 0, 0, 0] }],
        lastUsedAt: day + 1,
        credits: null,
      },
      {
        id: keys[1]!.id,

        days: [{ day, through: day + HOUR_MS, tally: [7, 0, 0, 0, 0, 0, 2] }],
        lastUsedAt: day + 2,
        credits: null,
      },
    ]);
    const range = `from=${new Date(day).toISOString()}&to=${new Date(day + HOUR_MS).toISOString()}&kind=api_key`;
    const most = await call("GET", `/v1/usage?${range}&limit=2`, { token: b.api_key.key });
    expect(most.status, most.text).toBe(200);
    expect(most.body.from).toBe(new Date(day).toISOString());
    expect(most.body.to).toBe(new Date(day + DAY_MS).toISOString());
    expect(most.body.objects.map((o: { name: string; requests: number }) => [o.name, o.requests])).toEqual([
      ["rank-b", 9],
      ["rank-a", 5],
    ]);
    expect(most.body.objects[0]).toMatchObject({ kind: "api_key", success: 7, wrong_secret: 2, owner_id: b.user.id });
    const rest = await call("GET", `/v1/usage?${range}&limit=2&cursor=${most.body.next_cursor}`, { token: b.api_key.key });
    // Ties (no requests) by id; the page boundary falls inside the tie when walked one at a time.
    const unused = [b.api_key.id, keys[2]!.id].sort();
    expect(rest.body.objects.map((o: { id: string }) => o.id)).toEqual(unused);
    expect(rest.body.next_cursor).toBeNull();
    const walk = async (order: string) => {
      const ids: string[] = [];
      let cursor = "";
      for (let page = 0; page < 10; page++) {
        const res = await call("GET", `/v1/usage?${range}&order=${order}&limit=1${cursor}`, { token: b.api_key.key });
        ids.push(...res.body.objects.map((o: { id: string }) => o.id));
        if (!res.body.next_cursor) break;
        cursor = `&cursor=${res.body.next_cursor}`;
      }
      return ids;
    };
    expect(await walk("asc")).toEqual([...unused, keys[0]!.id, keys[1]!.id]);
    expect(await walk("desc")).toEqual([keys[1]!.id, keys[0]!.id, ...unused]);

    // Another org sees none of these; a member is refused; a forged cursor is a 400.
    const stranger = await bootstrap();
    const theirs = await call("GET", `/v1/usage?${range}`, { token: stranger.api_key.key });
    expect(theirs.body.objects.map((o: { id: string }) => o.id)).toEqual([stranger.api_key.id]);
    const member = await bootstrap({ email: `${unique("member")}@example.com` });
    await call("PATCH", "/v1/organization/members", { token: b.api_key.key, body: { invite_users: { emails: [member.user.email] } } });
    const refused = await call("GET", `/v1/usage?org_name=${b.org.name}`, { token: member.api_key.key });
    expect(refused.status, refused.text).toBe(403);
    // Dates beyond what can hold anything are clipped to it (today, and the 31 days kept), so every date answered is RFC 3339.
    const wide = await call("GET", "/v1/usage?from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z", { token: b.api_key.key });
    expect(wide.status, wide.text).toBe(200);
    expect(Date.parse(wide.body.to) - Date.parse(wide.body.from)).toBe(31 * DAY_MS);
    expect(wide.body.to).toMatch(/^\d{4}-/);
    const backwards = await call(
      "GET",
      `/v1/usage?from=${new Date(day + 2 * HOUR_MS).toISOString()}&to=${new Date(day + HOUR_MS).toISOString()}`,
      {
        token: b.api_key.key,
      },
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.field).toBe("from");
    for (const [query, field] of [
      ["limit=101", "limit"],
      ["limit=0", "limit"],
      ["order=sideways", "order"],
      ["kind=password", "kind"],
      ["from=yesterday", "from"],
    ]) {
      const bad = await call("GET", `/v1/usage?${query}`, { token: b.api_key.key });
      expect(bad.status, query).toBe(400);
      expect(bad.body.field, query).toBe(field);
    }
    const forged = await call("GET", `/v1/usage?cursor=${btoa("nope")}`, { token: b.api_key.key });
    expect(forged.status).toBe(400);
    expect(forged.body.field).toBe("cursor");
  });

  it("keeps days for 31 days: the cron deletes older ones", async () => {
    const b = await bootstrap();
    const k = await keyOf(b.api_key.key, "old");
    const now = Date.UTC(2027, 5, 1);
    await deliver([
      {
        id: k.id,

        days: [32, 30].map((ago) => ({ day: now - ago * DAY_MS, through: now - ago * DAY_MS + HOUR_MS, tally: [1, 0, 0, 0, 0, 0, 0] })),
        lastUsedAt: null,
        credits: null,
      },
    ]);
    const { D1Usage } = await import("../../../src/db/usage");
    // Other files' old days go too (one database): at least this one.
    expect(await new D1Usage(env.DB).prune(now)).toBeGreaterThanOrEqual(1);
    expect(await dayRow(k.id, now - 32 * DAY_MS)).toBeNull();
    expect(await dayRow(k.id, now - 30 * DAY_MS)).not.toBeNull();
  });
});
