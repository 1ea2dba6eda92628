/** Where a webhook may be delivered: public https targets only, unless insecure targets are allowed for development. */
import { describe, expect, it } from "vitest";
import { webhookUrlProblem } from "../../../src/core/webhooks/url";

describe("webhookUrlProblem", () => {
  it("accepts https URLs of public hosts and public addresses", () => {
    for (const url of [
      "https://hooks.example.com/x?y=1",
      "https://hooks.example.com",
      "https://hooks.example.com:8443/a/b",
      "https://HOOKS.Example.com/x",
      "https://hooks.example.com./x",
      "https://1.1.1.1/",
      "https://8.8.8.8:8443/hook",
      "https://[2606:4700::1111]/",
    ]) {
      expect(webhookUrlProblem(url, false), url).toBeNull();
    }
  });

  it("refuses other schemes and URLs that are not absolute", () => {
    expect(webhookUrlProblem("http://hooks.example.com/x", false)).toMatch(/https/);
    expect(webhookUrlProblem("ftp://hooks.example.com/x", false)).toMatch(/https/);
    expect(webhookUrlProblem("ftp://hooks.example.com/x", true)).toMatch(/https/);
    expect(webhookUrlProblem("wss://hooks.example.com/x", false)).toMatch(/https/);
    expect(webhookUrlProblem("/x", false)).toMatch(/absolute/);
    expect(webhookUrlProblem("hooks.example.com/x", false)).toMatch(/absolute/);
    expect(webhookUrlProblem("", false)).toMatch(/absolute/);
  });

  it("refuses credentials and fragments", () => {
    expect(webhookUrlProblem("https://user:pw@hooks.example.com/x", false)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://user@hooks.example.com/x", false)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://:pw@hooks.example.com/x", false)).toMatch(/credentials/);
    expect(webhookUrlProblem("https://hooks.example.com/x#frag", false)).toMatch(/fragment/);
  });

  it("refuses host names of this machine or a private network", () => {
    for (const url of [
      "https://localhost",
      "https://localhost./x",
      "https://LOCALHOST:8443",
      "https://x.localhost",
      "https://printer.local",
      "https://svc.internal",
      "https://router.home.arpa",
      "https://intranet",
      "https://intranet./x",
      // Found by the review of webhooks: two trailing dots, and reserved or private zones.
      "https://localhost../x",
      "https://localhost.localdomain/",
      "https://x.localdomain/",
      "https://kubernetes.default.svc/",
      "https://a.test/",
      "https://a.invalid/",
      "https://a.example/",
      "https://a.onion/",
      "https://1.0.0.127.in-addr.arpa/",
    ]) {
      expect(webhookUrlProblem(url, false), url).toMatch(/public host name/);
    }
    expect(webhookUrlProblem("https://example.com:0/", false)).toMatch(/port 0/);
    expect(webhookUrlProblem("https://example.com\\@127.0.0.1/", false)).toMatch(/backslash/);
  });

  it("refuses loopback, private, link-local, shared and reserved addresses", () => {
    for (const url of [
      "https://127.0.0.1",
      "https://127.1.2.3:8443/x",
      "https://10.1.2.3",
      "https://192.168.0.1",
      "https://172.16.0.1",
      "https://172.31.255.254",
      "https://100.64.0.1",
      "https://169.254.169.254/latest/meta-data/",
      "https://0.0.0.0",
      "https://255.255.255.255",
      "https://224.0.0.1",
      "https://203.0.113.9/", // TEST-NET-3
      "https://198.51.100.1/", // TEST-NET-2
      "https://192.0.2.1/", // TEST-NET-1
      "https://[::1]",
      "https://[::]",
      "https://[fd00::1]",
      "https://[fc00::1]",
      "https://[fe80::1]",
      "https://[ff02::1]",
      "https://[::ffff:127.0.0.1]",
      "https://[::ffff:10.0.0.1]",
      "https://[::ffff:169.254.169.254]",
      "https://[64:ff9b::7f00:1]",
      "https://[2001:db8::1]",
      // IPv4-compatible (deprecated ::/96): 127.0.0.1 and 10.0.0.1 spelt as IPv6.
      "https://[::127.0.0.1]",
      "https://[::7f00:1]",
      "https://[::10.0.0.1]",
      // Outside 2000::/3, the only global unicast space allocated.
      "https://[4000::1]",
      "https://[fe00::1]",
    ]) {
      expect(webhookUrlProblem(url, false), url).toMatch(/loopback, private or reserved/);
    }
  });

  it("refuses a loopback address spelt in another notation", () => {
    for (const url of [
      "https://2130706433",
      "https://0x7f000001",
      "https://017700000001",
      "https://127.1",
      "https://0177.0.0.1",
      "https://0x7f.1",
    ]) {
      expect(webhookUrlProblem(url, false), url).not.toBeNull();
    }
  });

  it("refuses a URL longer than 2048 characters", () => {
    const long = `https://hooks.example.com/${"a".repeat(3000)}`;
    expect(webhookUrlProblem(long, false)).toMatch(/2048/);
    expect(webhookUrlProblem(long, true)).toMatch(/2048/);
    expect(webhookUrlProblem(`https://hooks.example.com/${"a".repeat(2048 - 26)}`, false)).toBeNull();
  });

  it("with insecure targets allowed, accepts http and loopback but still refuses credentials and fragments", () => {
    expect(webhookUrlProblem("http://127.0.0.1:9/x", true)).toBeNull();
    expect(webhookUrlProblem("http://localhost:8787/hook", true)).toBeNull();
    expect(webhookUrlProblem("https://10.1.2.3/x", true)).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:9/x", false)).toMatch(/https/);
    expect(webhookUrlProblem("http://user:pw@127.0.0.1:9/x", true)).toMatch(/credentials/);
    expect(webhookUrlProblem("http://127.0.0.1:9/x#f", true)).toMatch(/fragment/);
  });
});
