import { describe, expect, it } from "vitest";
import { canonicalIp, ipLimitKey } from "../../src/ratelimit/ip-key";

describe("canonicalIp", () => {
  it("keeps a dotted quad as is", () => {
    expect(canonicalIp("192.0.2.1")).toBe("192.0.2.1");
    expect(canonicalIp(" 0.0.0.0 ")).toBe("0.0.0.0");
    expect(canonicalIp("255.255.255.255")).toBe("255.255.255.255");
  });

  it("turns every spelling of an IPv4-mapped IPv6 address into its IPv4 address", () => {
    for (const mapped of [
      "::ffff:1.2.3.4",
      "::FFFF:1.2.3.4",
      "::ffff:0102:0304",
      "::ffff:102:304",
      "::FfFf:0102:0304",
      "0:0:0:0:0:ffff:1.2.3.4",
      "0000:0000:0000:0000:0000:FFFF:0102:0304",
      "0::ffff:1.2.3.4",
      "0:0::0:ffff:102:304",
    ]) {
      expect(canonicalIp(mapped), mapped).toBe("1.2.3.4");
    }
  });

  it("writes IPv6 in RFC 5952 form", () => {
    const cases: [string, string][] = [
      // RFC 5952 section 4: leading zeros, `::` use, case.
      ["2001:0db8::0001", "2001:db8::1"],
      ["2001:db8:0:0:0:0:2:1", "2001:db8::2:1"],
      ["2001:db8::0:1", "2001:db8::1"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group is not compressed
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run is compressed
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // the first of equal runs
      ["2001:DB8::AbCd", "2001:db8::abcd"],
      // RFC 5952 section 2 spellings of one address.
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8::1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:0db8::1:0:0:1", "2001:db8::1:0:0:1"],
      ["2001:db8:0:0:1::1", "2001:db8::1:0:0:1"],
      ["2001:db8:0000:0:1::1", "2001:db8::1:0:0:1"],
      ["2001:DB8:0:0:1::1", "2001:db8::1:0:0:1"],
      // Edges.
      ["::", "::"],
      ["::1", "::1"],
      ["1::", "1::"],
      ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
      ["::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"],
      ["fe80:0:0:0:0:0:0:0", "fe80::"],
      ["::1.2.3.4", "::102:304"], // IPv4-compatible (deprecated) is not mapped
    ];
    for (const [input, canonical] of cases) expect(canonicalIp(input), input).toBe(canonical);
  });

  it("finds no address in garbage", () => {
    for (const garbage of [
      "",
      "not an ip",
      "1.2.3",
      "1.2.3.4.5",
      "256.1.1.1",
      "01.2.3.4", // octal to some parsers, decimal to others
      "1.2.3.4/32",
      "2001:db8::1::2",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7:8::",
      "::1:2:3:4:5:6:7:8",
      ":1:2:3:4:5:6:7",
      "12345::",
      "g::",
      "fe80::1%eth0",
      "[2001:db8::1]",
      "1.2.3.4::",
      "::ffff:1.2.3.4.5",
      "::ffff:256.2.3.4",
      "2001:db8::/64",
    ]) {
      expect(canonicalIp(garbage), garbage).toBeNull();
    }
  });
});

describe("ipLimitKey", () => {
  it("is null without an address", () => {
    expect(ipLimitKey(undefined)).toBeNull();
    expect(ipLimitKey(null)).toBeNull();
    expect(ipLimitKey("")).toBeNull();
    expect(ipLimitKey("   ")).toBeNull();
  });

  it("counts an IPv4 client and its mapped IPv6 spellings under one key", () => {
    const keys = ["1.2.3.4", " 1.2.3.4\t", "::ffff:1.2.3.4", "::FFFF:0102:0304", "0:0:0:0:0:ffff:1.2.3.4"].map(ipLimitKey);
    expect(new Set(keys)).toEqual(new Set(["1.2.3.4"]));
  });

  it("counts IPv6 per /64, whatever the spelling", () => {
    const same = ["2001:db8::1", "2001:db8::2", "2001:DB8:0:0::1", "2001:0db8:0000:0000:ffff:ffff:ffff:ffff", "2001:db8::ffff:1.2.3.4"];
    expect(new Set(same.map(ipLimitKey))).toEqual(new Set(["2001:db8::/64"]));
    expect(ipLimitKey("2001:db8:0:1::1")).toBe("2001:db8:0:1::/64");
    expect(ipLimitKey("2001:DB8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(ipLimitKey("fe80::1")).toBe("fe80::/64");
    expect(ipLimitKey("::1")).toBe("::/64");
    expect(ipLimitKey("1:0:0:0:1::")).toBe("1::/64");
  });

  it("still counts garbage, lower-cased, under a prefix no address key has", () => {
    expect(ipLimitKey("Not-An-IP")).toBe("unparsed:not-an-ip");
    expect(ipLimitKey("  NOT-an-ip ")).toBe("unparsed:not-an-ip");
    expect(ipLimitKey("01.2.3.4")).toBe("unparsed:01.2.3.4");
    // text that looks like a key is not the key: it cannot spend another client's budget
    expect(ipLimitKey("2001:db8::/64")).toBe("unparsed:2001:db8::/64");
    // bounded, whatever the caller sends
    expect(ipLimitKey("x".repeat(10_000))).toBe(`unparsed:${"x".repeat(64)}`);
  });
});
