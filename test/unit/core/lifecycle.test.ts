/** The time rules of credential lifecycle events: expiry notices, delivery retries, and the settings they read. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AttemptSeen,
  DAY_MS,
  DEFAULT_RETRY_SCHEDULE,
  DEFAULT_WARNING_DAYS,
  expiryNotice,
  FAILING_DISABLE_MS,
  judgeAttempt,
  MAX_QUEUE_DELAY_SECONDS,
  parseNumberList,
  parseRetryAfter,
  retryDelay,
} from "../../../src/core/webhooks/lifecycle";

const EXPIRES = Date.UTC(2030, 0, 31, 12, 0, 0);
const THRESHOLDS = [30, 7, 1];
const daysBefore = (days: number) => EXPIRES - days * DAY_MS;

describe("expiryNotice", () => {
  it("walks a credential through its warnings and its expiry, each sent once", () => {
    // Long before the first threshold: nothing, look again when 30 days are left.
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(90))).toEqual({ send: null, noticedDays: null, nextAt: daysBefore(30) });
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(30) - 1)).toEqual({ send: null, noticedDays: null, nextAt: daysBefore(30) });

    // Just past 30 days left.
    const at30 = daysBefore(30) + 1;
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, at30)).toEqual({
      send: { type: "credential.expiring", daysLeft: 30, threshold: 30 },
      noticedDays: 30,
      nextAt: daysBefore(7),
    });
    // Again at the same moment, or a little later: nothing more.
    expect(expiryNotice(EXPIRES, 30, THRESHOLDS, at30)).toEqual({ send: null, noticedDays: 30, nextAt: daysBefore(7) });
    expect(expiryNotice(EXPIRES, 30, THRESHOLDS, daysBefore(20))).toEqual({ send: null, noticedDays: 30, nextAt: daysBefore(7) });

    // Just past 7 days left.
    const at7 = daysBefore(7) + 1;
    expect(expiryNotice(EXPIRES, 30, THRESHOLDS, at7)).toEqual({
      send: { type: "credential.expiring", daysLeft: 7, threshold: 7 },
      noticedDays: 7,
      nextAt: daysBefore(1),
    });
    expect(expiryNotice(EXPIRES, 7, THRESHOLDS, at7)).toEqual({ send: null, noticedDays: 7, nextAt: daysBefore(1) });

    // Just past 1 day left: the last warning, then the expiry itself is next.
    const at1 = daysBefore(1) + 1;
    expect(expiryNotice(EXPIRES, 7, THRESHOLDS, at1)).toEqual({
      send: { type: "credential.expiring", daysLeft: 1, threshold: 1 },
      noticedDays: 1,
      nextAt: EXPIRES,
    });
    expect(expiryNotice(EXPIRES, 1, THRESHOLDS, at1)).toEqual({ send: null, noticedDays: 1, nextAt: EXPIRES });
    expect(expiryNotice(EXPIRES, 1, THRESHOLDS, EXPIRES - 1)).toEqual({ send: null, noticedDays: 1, nextAt: EXPIRES });

    // At the expiry: `expired`, once, and nothing to look for afterwards.
    expect(expiryNotice(EXPIRES, 1, THRESHOLDS, EXPIRES)).toEqual({ send: { type: "credential.expired" }, noticedDays: 0, nextAt: null });
    expect(expiryNotice(EXPIRES, 0, THRESHOLDS, EXPIRES)).toEqual({ send: null, noticedDays: 0, nextAt: null });
    expect(expiryNotice(EXPIRES, 0, THRESHOLDS, EXPIRES + 365 * DAY_MS)).toEqual({ send: null, noticedDays: 0, nextAt: null });
  });

  it("counts days left upwards, and a threshold is due exactly at its moment", () => {
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(30)).send).toEqual({
      type: "credential.expiring",
      daysLeft: 30,
      threshold: 30,
    });
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(29.5)).send).toEqual({
      type: "credential.expiring",
      daysLeft: 30,
      threshold: 30,
    });
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(29)).send).toEqual({
      type: "credential.expiring",
      daysLeft: 29,
      threshold: 30,
    });
    expect(expiryNotice(EXPIRES, 7, THRESHOLDS, EXPIRES - 1).send).toEqual({ type: "credential.expiring", daysLeft: 1, threshold: 1 });
  });

  it("sends one warning, of the tightest threshold, when several were crossed at once", () => {
    // A credential created with 3 days left: 30 and 7 are both past.
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(3))).toEqual({
      send: { type: "credential.expiring", daysLeft: 3, threshold: 7 },
      noticedDays: 7,
      nextAt: daysBefore(1),
    });
    // Nothing noticed and half a day left: only the 1-day warning.
    expect(expiryNotice(EXPIRES, null, THRESHOLDS, daysBefore(0.5))).toEqual({
      send: { type: "credential.expiring", daysLeft: 1, threshold: 1 },
      noticedDays: 1,
      nextAt: EXPIRES,
    });
    // The 30-day one noticed, then the scan was down until 12 hours were left.
    expect(expiryNotice(EXPIRES, 30, THRESHOLDS, daysBefore(0.5))).toEqual({
      send: { type: "credential.expiring", daysLeft: 1, threshold: 1 },
      noticedDays: 1,
      nextAt: EXPIRES,
    });
  });

  it("sends `expired` alone for a credential found already expired, whatever was noticed before", () => {
    for (const noticed of [null, 30, 7, 1]) {
      expect(expiryNotice(EXPIRES, noticed, THRESHOLDS, EXPIRES + DAY_MS)).toEqual({
        send: { type: "credential.expired" },
        noticedDays: 0,
        nextAt: null,
      });
    }
  });

  it("gives the same answers whatever the order of the thresholds", () => {
    const times = [daysBefore(40), daysBefore(30), daysBefore(10), daysBefore(3), daysBefore(0.5), EXPIRES, EXPIRES + 1];
    for (const order of [
      [1, 7, 30],
      [7, 30, 1],
      [30, 1, 7],
    ]) {
      for (const noticed of [null, 30, 7, 1, 0]) {
        for (const now of times) {
          expect(expiryNotice(EXPIRES, noticed, order, now)).toEqual(expiryNotice(EXPIRES, noticed, THRESHOLDS, now));
        }
      }
    }
  });

  it("with no thresholds, only `expired`", () => {
    expect(expiryNotice(EXPIRES, null, [], daysBefore(3))).toEqual({ send: null, noticedDays: null, nextAt: EXPIRES });
    expect(expiryNotice(EXPIRES, null, [], EXPIRES)).toEqual({ send: { type: "credential.expired" }, noticedDays: 0, nextAt: null });
  });

  it("the defaults are 30, 7 and 1 days", () => {
    expect(DEFAULT_WARNING_DAYS).toEqual([30, 7, 1]);
  });

  it("property: over any increasing times, each threshold is warned of at most once, `expired` at most once, and warnings tighten", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 0, maxLength: 5 }),
        fc.array(fc.integer({ min: -70 * DAY_MS, max: 5 * DAY_MS }), { minLength: 1, maxLength: 30 }),
        (thresholds, offsets) => {
          const times = [...offsets].sort((a, b) => a - b).map((o) => EXPIRES + o);
          let noticed: number | null = null;
          const warned: number[] = [];
          let expired = 0;
          for (const now of times) {
            const r = expiryNotice(EXPIRES, noticed, thresholds, now);
            if (r.send?.type === "credential.expiring") {
              expect(thresholds).toContain(r.send.threshold);
              expect(now).toBeGreaterThanOrEqual(EXPIRES - r.send.threshold * DAY_MS);
              expect(now).toBeLessThan(EXPIRES);
              expect(r.send.daysLeft).toBe(Math.ceil((EXPIRES - now) / DAY_MS));
              expect(r.send.daysLeft).toBeLessThanOrEqual(r.send.threshold);
              warned.push(r.send.threshold);
            } else if (r.send?.type === "credential.expired") {
              expect(now).toBeGreaterThanOrEqual(EXPIRES);
              expired++;
            }
            // Nothing comes due before the next look.
            if (r.nextAt !== null) {
              expect(r.nextAt).toBeGreaterThan(now);
              expect(expiryNotice(EXPIRES, r.noticedDays, thresholds, r.nextAt - 1).send).toBeNull();
            }
            noticed = r.noticedDays;
          }
          expect(new Set(warned).size).toBe(warned.length);
          expect(warned).toEqual([...warned].sort((a, b) => b - a));
          expect(expired).toBeLessThanOrEqual(1);
          if (times.at(-1)! >= EXPIRES) expect(expired).toBe(1);
        },
      ),
    );
  });
});

describe("retryDelay", () => {
  it("follows the schedule, then gives up", () => {
    expect(retryDelay(1, [5, 300, 1800])).toBe(5);
    expect(retryDelay(2, [5, 300, 1800])).toBe(300);
    expect(retryDelay(3, [5, 300, 1800])).toBe(1800);
    expect(retryDelay(4, [5, 300, 1800])).toBeNull();
    expect(retryDelay(1, [])).toBeNull();
    expect(DEFAULT_RETRY_SCHEDULE.map((_, i) => retryDelay(i + 1, DEFAULT_RETRY_SCHEDULE))).toEqual(DEFAULT_RETRY_SCHEDULE);
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE.length + 1, DEFAULT_RETRY_SCHEDULE)).toBeNull();
  });

  it("honours a Retry-After longer than the schedule's wait, up to a day", () => {
    expect(retryDelay(1, [5, 300], 60)).toBe(60);
    expect(retryDelay(2, [5, 300], 3600)).toBe(3600);
    expect(retryDelay(1, [5, 300], 86_400)).toBe(86_400);
    expect(retryDelay(1, [5, 300], 10 * 86_400)).toBe(86_400);
  });

  it("does not shorten the schedule's wait for a smaller Retry-After", () => {
    expect(retryDelay(2, [5, 300], 0)).toBe(300);
    expect(retryDelay(2, [5, 300], 10)).toBe(300);
    expect(retryDelay(2, [5, 300], null)).toBe(300);
  });

  it("gives up past the schedule even with a Retry-After", () => {
    expect(retryDelay(3, [5, 300], 60)).toBeNull();
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 30 ", now)).toBe(30);
  });

  it("reads an HTTP date, in seconds from now, rounded up", () => {
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:02:00 GMT", now)).toBe(120);
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:01 GMT", now - 500)).toBe(2);
  });

  it("reads the obsolete HTTP date forms too (RFC 850 and asctime)", () => {
    expect(parseRetryAfter("Tuesday, 01-Jan-30 00:02:00 GMT", now)).toBe(120);
    expect(parseRetryAfter("Tue Jan  1 00:02:00 2030", now)).toBe(120);
  });

  it("counts a date in the past as now", () => {
    expect(parseRetryAfter("Mon, 31 Dec 2029 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:00 GMT", now)).toBe(0);
  });

  it("gives null for nothing and for garbage", () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter("later, please", now)).toBeNull();
    expect(parseRetryAfter("1.5", now)).toBeNull();
    expect(parseRetryAfter("-1", now)).toBeNull();
    expect(parseRetryAfter("1e3", now)).toBeNull();
  });

  it("gives null for garbage that a lenient date parser would read as a date", () => {
    // Date.parse("abc 2031") is 1 January 2031: taken as a date, a garbage header would delay the retry by a day.
    expect(parseRetryAfter("abc 2031", now)).toBeNull();
    expect(parseRetryAfter("retry in 2031", now)).toBeNull();
    expect(parseRetryAfter("2031-01-01", now)).toBeNull();
    expect(retryDelay(1, [5, 300], parseRetryAfter("abc 2031", now))).toBe(5);
  });
});

describe("parseNumberList", () => {
  it("reads comma-separated positive integers, spaces allowed", () => {
    expect(parseNumberList("30,7,1")).toEqual([30, 7, 1]);
    expect(parseNumberList(" 30 , 7,1 ")).toEqual([30, 7, 1]);
    expect(parseNumberList("5")).toEqual([5]);
    expect(parseNumberList("1,1")).toEqual([1, 1]);
  });

  it("refuses anything else, saying why", () => {
    for (const text of ["", " ", "0", "-1", "1.5", "a", "30,,7", "30,7,", ",30", "30;7", "1e3", "0x10", "30 7", "+5", "05"]) {
      expect(parseNumberList(text), JSON.stringify(text)).toBe("must be positive integers separated by commas");
    }
  });
});

describe("judgeAttempt: what follows an attempt of a delivery", () => {
  const schedule = [5, 300, 1800];
  const now = Date.UTC(2026, 11, 7);
  const seen = (more: Partial<AttemptSeen>): AttemptSeen => ({
    status: 500,
    error: null,
    retryAfter: null,
    attempt: 1,
    failingSince: now,
    now,
    ...more,
  });

  it("delivers on a 2xx, whatever came before", () => {
    for (const status of [200, 202, 299]) expect(judgeAttempt(seen({ status, attempt: 3 }), schedule).result).toBe("delivered");
  });

  it("fails for good on 410 (disabling the endpoint), a disabled endpoint or a refused URL (without disabling)", () => {
    expect(judgeAttempt(seen({ status: 410 }), schedule)).toMatchObject({ result: "failed", disable: "the endpoint answered 410 Gone" });
    expect(judgeAttempt(seen({ status: null, error: "endpoint disabled" }), schedule)).toMatchObject({ result: "failed", disable: null });
    expect(judgeAttempt(seen({ status: null, error: "url must be https" }), schedule)).toMatchObject({ result: "failed", disable: null });
  });

  it("retries on the schedule, or after the endpoint's Retry-After, on the queue when the delay fits it", () => {
    expect(judgeAttempt(seen({ attempt: 1 }), schedule)).toEqual({
      result: "pending",
      nextAttemptAt: now + 5_000,
      viaQueue: true,
      disable: null,
    });
    expect(judgeAttempt(seen({ attempt: 2, status: 429, retryAfter: 60 }), schedule).nextAttemptAt).toBe(now + 300_000);
    const long = judgeAttempt(seen({ attempt: 1 }), [MAX_QUEUE_DELAY_SECONDS + 1]);
    expect(long).toMatchObject({ result: "pending", viaQueue: false });
  });

  it("dead-letters and disables when the schedule ends or the endpoint has failed for more than 3 days", () => {
    expect(judgeAttempt(seen({ attempt: 4 }), schedule)).toMatchObject({
      result: "dead",
      disable: "every attempt of a delivery failed (4)",
    });
    const old = judgeAttempt(seen({ attempt: 1, failingSince: now - FAILING_DISABLE_MS - 1 }), schedule);
    expect(old).toMatchObject({ result: "dead", disable: "failing for more than 3 days" });
  });
});
