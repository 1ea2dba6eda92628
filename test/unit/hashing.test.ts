import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/core/shared/errors";
import { configOf } from "../../src/config";
import { SecretHasher } from "../../src/core/credentials/hashing";
import type { Env } from "../../src/env";

const peppersFromEnv = (vars: Partial<Record<keyof Env, string>>) => configOf(vars as unknown as Env).peppers();

const current = { version: 2, secret: "pepper-two-0123456789" };
const previous = { version: 1, secret: "pepper-one-0123456789" };

describe("SecretHasher", () => {
  it("verifies what it hashed and nothing else", async () => {
    const hasher = new SecretHasher({ current });
    const { hash, version } = await hasher.hash("sk-secret");
    expect(hash.byteLength).toBe(32);
    expect(version).toBe(2);
    expect(await hasher.verify("sk-secret", hash, 2)).toBe(true);
    expect(await hasher.verify("sk-secreT", hash, 2)).toBe(false);
    expect(await hasher.verify("sk-secret", hash.slice(0, 31), 2)).toBe(false);
  });

  it("depends on the pepper", async () => {
    const a = await new SecretHasher({ current }).hash("same");
    const b = await new SecretHasher({ current: { version: 2, secret: "another-pepper-xyz" } }).hash("same");
    expect(new Uint8Array(a.hash)).not.toEqual(new Uint8Array(b.hash));
  });

  it("verifies hashes of the previous pepper after a rotation, and flags them stale", async () => {
    const old = await new SecretHasher({ current: previous }).hash("sk-old");
    const rotated = new SecretHasher({ current, previous });
    expect(await rotated.verify("sk-old", old.hash, 1)).toBe(true);
    expect(rotated.isStale(1)).toBe(true);
    expect(rotated.isStale(2)).toBe(false);
    // without the previous pepper configured, the old hash no longer verifies
    expect(await new SecretHasher({ current }).verify("sk-old", old.hash, 1)).toBe(false);
  });

  it("refuses to run without a usable pepper", () => {
    expect(() => peppersFromEnv({})).toThrow(DomainError);
    expect(() => peppersFromEnv({ TOKEN_PEPPER: "short" })).toThrow(/TOKEN_PEPPER/);
    expect(() => peppersFromEnv({ TOKEN_PEPPER: "x".repeat(20), TOKEN_PEPPER_VERSION: "zero" })).toThrow(/VERSION/);
    expect(peppersFromEnv({ TOKEN_PEPPER: "x".repeat(20), TOKEN_PEPPER_VERSION: "3", TOKEN_PEPPER_PREVIOUS: "y".repeat(20) })).toEqual({
      current: { version: 3, secret: "x".repeat(20) },
      previous: { version: 2, secret: "y".repeat(20) },
    });
  });
});
