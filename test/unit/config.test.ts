import { describe, expect, it } from "vitest";
import { configOf } from "../../src/config";
import { DomainError } from "../../src/core/shared/errors";
import type { Env } from "../../src/env";

const env = (vars: Partial<Record<keyof Env, string>>) => vars as unknown as Env;

describe("configOf", () => {
  it("fills in the defaults", () => {
    const config = configOf(env({}));
    expect(config.limits.credential).toEqual({ name: "credential", limit: 1000, windowSeconds: 60 });
    expect(config.limits.authFailures).toEqual({ name: "auth-failures", limit: 20, windowSeconds: 60 });
    expect(config.limits.header).toEqual({ "RateLimit-Policy": '"credential";q=1000;w=60, "auth-failures";q=20;w=60' });
    expect(config).toMatchObject({
      jwt: { ttlSeconds: 300, issuer: "edgekeys" },
      serviceAuthHeader: undefined,
      gateway: null,
      benchMetrics: false,
    });
  });

  it("reads the vars, and takes an empty one as unset", () => {
    const config = configOf(
      env({
        RATE_LIMIT_REQUESTS: "5",
        AUTH_FAILURE_WINDOW_SECONDS: "30",
        SERVICE_AUTH_HEADER: "X-Svc",
        ORIGIN_URL: "https://origin.example/base",
        GATEWAY_ACCOUNT_ID: "A".repeat(32),
        BENCH_METRICS: "1",
        JWT_TTL_SECONDS: "",
      }),
    );
    expect(config.limits.credential.limit).toBe(5);
    expect(config.limits.authFailures.windowSeconds).toBe(30);
    const a = "a".repeat(32);
    expect(config.gateway).toEqual({ origins: new Map(), fallback: { origin: "https://origin.example/base", accountId: a }, accountId: a });
    // Hosts in their canonical form (lower case, no trailing dot, A-label); a bare origin is GATEWAY_ACCOUNT_ID's.
    const mapped = configOf(
      env({ ORIGINS: '{"App.Example.com.": "https://app-origin.example", "Bücher.example": "self"}', GATEWAY_ACCOUNT_ID: "A".repeat(32) }),
    ).gateway!;
    expect([...mapped.origins]).toEqual([
      ["app.example.com", { origin: "https://app-origin.example", accountId: a }],
      ["xn--bcher-kva.example", { origin: "self", accountId: a }],
    ]);
    expect(mapped.fallback).toBeUndefined();
    const pinned = configOf(env({ ORIGINS: JSON.stringify({ "p.example.com": { origin: "self", account_id: "B".repeat(32) } }) })).gateway!;
    expect(pinned.origins.get("p.example.com")).toEqual({ origin: "self", accountId: "b".repeat(32) });
    expect(config).toMatchObject({ serviceAuthHeader: "X-Svc", benchMetrics: true, jwt: { ttlSeconds: 300 } });
  });

  it("refuses a bad value with a misconfigured error naming the variable and the value", () => {
    const cases: [Partial<Record<keyof Env, string>>, RegExp][] = [
      [{ RATE_LIMIT_REQUESTS: "abc" }, /^RATE_LIMIT_REQUESTS must be a positive integer \(got "abc"\)$/],
      [{ RATE_LIMIT_WINDOW_SECONDS: "0" }, /RATE_LIMIT_WINDOW_SECONDS must be a positive integer/],
      [{ AUTH_FAILURE_LIMIT: "-3" }, /AUTH_FAILURE_LIMIT/],
      [{ ORIGIN_URL: "ftp://origin.example" }, /ORIGIN_URL must be an http\(s\) URL/],
      [{ GATEWAY_ACCOUNT_ID: "not-hex" }, /GATEWAY_ACCOUNT_ID must be 32 hex characters/],
      [{ ORIGINS: "not json" }, /ORIGINS must be a JSON object of hosts to origin URLs/],
      [{ ORIGINS: '["https://x.example"]' }, /ORIGINS/],
      [{ ORIGINS: '{"x.example": "ftp://y.example"}' }, /ORIGINS must map each host to an http\(s\) URL or "self"/],
      [{ ORIGINS: '{"x.example": {"origin": "https://y.example", "account_id": "nope"}}' }, /ORIGINS/],
      [
        { ORIGINS: '{"bad host/path": "https://y.example"}', GATEWAY_ACCOUNT_ID: "a".repeat(32) },
        /ORIGINS entry "bad host\/path" must be a host name/,
      ],
      [
        { ORIGINS: '{"b.example.com:8443": "self"}', GATEWAY_ACCOUNT_ID: "a".repeat(32) },
        /ORIGINS entry "b\.example\.com:8443" must not have a port/,
      ],
      [{ ORIGINS: '{"x.example": "https://y.example"}' }, /ORIGINS entry "x\.example" names no account/],
      [
        { ORIGIN_URL: "https://origin.example" },
        /ORIGIN_URL serves every host not in ORIGINS, and a served host needs an owner: set GATEWAY_ACCOUNT_ID/,
      ],
      [{ SERVICE_AUTH_HEADER: "Bad Header" }, /SERVICE_AUTH_HEADER must be a header name/],
      [{ BENCH_METRICS: "yes" }, /BENCH_METRICS must be true or false/],
    ];
    for (const [vars, message] of cases) {
      let caught: unknown;
      try {
        configOf(env(vars));
      } catch (err) {
        caught = err;
      }
      expect(caught, JSON.stringify(vars)).toBeInstanceOf(DomainError);
      expect((caught as DomainError).code).toBe("misconfigured");
      expect((caught as DomainError).message).toMatch(message);
    }
  });

  it("checks the pepper only when it is needed", () => {
    const config = configOf(env({ RATE_LIMIT_REQUESTS: "7" }));
    expect(() => config.peppers()).toThrow(/TOKEN_PEPPER/);
    const withPepper = configOf(env({ TOKEN_PEPPER: "p".repeat(20), TOKEN_PEPPER_VERSION: "2", TOKEN_PEPPER_PREVIOUS: "q".repeat(20) }));
    expect(withPepper.peppers()).toEqual({
      current: { version: 2, secret: "p".repeat(20) },
      previous: { version: 1, secret: "q".repeat(20) },
    });
  });

  it("parses one configuration once", () => {
    expect(configOf(env({ RATE_LIMIT_REQUESTS: "9" }))).toBe(configOf(env({ RATE_LIMIT_REQUESTS: "9" })));
  });
});
