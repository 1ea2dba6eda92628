import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/shared/errors";
import { durationProblem, expiryAfter, parseDuration } from "../../src/core/shared/duration";

/** The DomainError `parseDuration` throws for `value`, or null when it parses. */
function refusal(value: string): DomainError | null {
  try {
    parseDuration(value);
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

describe("durations", () => {
  it("keeps the milliseconds of valid durations", () => {
    expect(parseDuration("300ms")).toBe(300);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("2h45m")).toBe(9_900_000);
    expect(parseDuration("1h30m10s")).toBe(5_410_000);
    expect(parseDuration("1500us")).toBe(1.5);
    expect(parseDuration("1µs")).toBe(0.001);
    expect(parseDuration("forever")).toBeNull();
    expect(expiryAfter("1ns", 1000)).toBe(1001); // a part of a millisecond still expires later
  });

  it("accepts Go's largest duration exactly, written in nanoseconds or in many parts", () => {
    for (const max of ["9223372036854775807ns", "2562047h47m16.854775807s", "9223372036854775.807us", "2562047.7880152155h7ns"]) {
      expect(durationProblem(max), max).toBeNull();
    }
    // Go truncates a fraction of a nanosecond: this is still the largest duration.
    expect(durationProblem("9223372036854775807.9ns")).toBeNull();
    expect(parseDuration("9223372036854775807ns")).toBeCloseTo(9_223_372_036_854.775, 0);
  });

  it("refuses one nanosecond past Go's largest duration, however it is written", () => {
    for (const over of [
      "9223372036854775808ns",
      "2562047h47m16.854775808s",
      "9223372036854775807ns1ns",
      "2562047h47m16s854775808ns",
      "9223372036854775.808us",
      "2562047.7880152155h8ns",
      "2562047.8h",
      "2562048h",
      "99999999999999h",
    ]) {
      const err = refusal(over);
      expect(err, over).toBeInstanceOf(DomainError);
      expect(err?.code).toBe("invalid_request");
      expect(err?.details).toMatchObject({ field: "duration" });
    }
    expect(durationProblem("9223372036854775808ns")).toMatch(/longer than the largest duration/);
    expect(durationProblem("2562047h47m16.854775808s")).toMatch(/longer than the largest duration/);
  });

  it("refuses what Go refuses, naming the field and the reason", () => {
    for (const bad of ["", "5", "h", "1y", "-5h", "0s", "1.5.5h", "10 h", "x".repeat(65)]) {
      expect(refusal(bad)?.details, JSON.stringify(bad)).toEqual({ field: "duration", reason: "invalid_duration" });
    }
  });
});

it("refuses durations that are positive only as floats: Go truncates below a nanosecond to nothing", async () => {
  const { durationProblem } = await import("../../src/core/shared/duration");
  for (const value of [".5ns", "0.0000000001ns", "0h0.9ns"]) expect(durationProblem(value), value).toMatch(/must be positive/);
  expect(durationProblem("1.5ns")).toBeNull();
});
