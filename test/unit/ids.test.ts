import { describe, expect, it } from "vitest";
import { hexToUuid, isUuid, uuidToHex, uuidv7 } from "../../src/core/shared/ids";

describe("ids", () => {
  it("mints RFC 9562 version-7 UUIDs carrying the time", () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const id = uuidv7(now);
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe("7");
    expect("89ab").toContain(id[19]);
    expect(parseInt(uuidToHex(id).slice(0, 12), 16)).toBeGreaterThanOrEqual(now);
  });

  it("is strictly increasing within one isolate, even in a burst", () => {
    const ids = Array.from({ length: 10_000 }, () => uuidv7());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
  });

  it("converts to and from the 32-hex account id form", () => {
    const id = uuidv7();
    const hex = uuidToHex(id);
    expect(hex).toMatch(/^[0-9a-f]{32}$/);
    expect(hexToUuid(hex)).toBe(id);
  });
});
