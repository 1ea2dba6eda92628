import { describe, expect, it } from "vitest";
import { uuidv7 } from "../../src/core/shared/ids";
import { crc32, mintToken, parseToken } from "../../src/core/credentials/tokens";

describe("tokens", () => {
  it("computes the standard CRC-32 check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("round-trips kind and credential id", () => {
    for (const kind of ["api_key", "service_token"] as const) {
      const id = uuidv7();
      const { token } = mintToken(kind, id);
      expect(token.startsWith(kind === "api_key" ? "sk-" : "bt-st-")).toBe(true);
      expect(token).toMatch(/^(sk-|bt-st-)[0-9A-Za-z]{61}$/);
      expect(parseToken(token)).toEqual({ kind, credentialId: id });
    }
  });

  it("mints a different secret every time", () => {
    const id = uuidv7();
    const tokens = new Set(Array.from({ length: 50 }, () => mintToken("api_key", id).token));
    expect(tokens.size).toBe(50);
  });

  it("refuses any single-character change through the checksum", () => {
    const { token } = mintToken("api_key", uuidv7());
    for (let i = 3; i < token.length; i++) {
      const ch = token[i] === "a" ? "b" : "a";
      const altered = token.slice(0, i) + ch + token.slice(i + 1);
      expect(parseToken(altered), `position ${i}`).toBeNull();
    }
  });

  it("refuses wrong prefixes, lengths and alphabets", () => {
    const { token } = mintToken("api_key", uuidv7());
    expect(parseToken(token.replace("sk-", "pk-"))).toBeNull();
    expect(parseToken(token.slice(0, -1))).toBeNull();
    expect(parseToken(`${token}0`)).toBeNull();
    expect(parseToken(`sk-${"!".repeat(61)}`)).toBeNull();
    expect(parseToken("")).toBeNull();
    expect(parseToken("bt-st-")).toBeNull();
    // an sk- token relabelled as a service token fails the checksum
    expect(parseToken(token.replace("sk-", "bt-st-"))).toBeNull();
  });

  it("previews with the prefix and the last four characters only", () => {
    const { token, preview } = mintToken("service_token", uuidv7());
    expect(preview).toBe(`bt-st-****${token.slice(-4)}`);
    // the 33-character secret part never appears in the preview
    expect(preview).not.toContain(token.slice(28, 40));
  });
});

it("refuses a token whose secret part is a valid base62 string larger than 192 bits, and accepts the largest", () => {
  const b62 = (n: number) => {
    let out = "";
    for (; n > 0; n = Math.floor(n / 62)) out = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[n % 62] + out;
    return out.padStart(6, "0");
  };
  const { token } = mintToken("api_key", "0190f3a0-0000-7000-8000-000000000001");
  const id = token.slice(3, 3 + 22);
  const withSecret = (secret: string) => {
    const head = `sk-${id}${secret}`;
    return head + b62(crc32(head));
  };
  expect(parseToken(withSecret("z".repeat(33)))).toBeNull();
  // 2^192 - 1 in base62, 33 characters wide
  let max = (1n << 192n) - 1n;
  let text = "";
  for (; max > 0n; max /= 62n) text = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[Number(max % 62n)] + text;
  expect(parseToken(withSecret(text.padStart(33, "0")))).toEqual({ kind: "api_key", credentialId: "0190f3a0-0000-7000-8000-000000000001" });
});

describe("Access client secrets", () => {
  it("carry their token's id under the ekcs_ prefix, with the same checksum rules", async () => {
    const { CLIENT_SECRET_PREFIX, clientSecretId, isClientSecret, mintClientSecret } = await import("../../src/core/credentials/tokens");
    const id = uuidv7();
    const secret = mintClientSecret(id);
    expect(secret).toMatch(/^ekcs_[0-9A-Za-z]{61}$/);
    expect(secret.startsWith(CLIENT_SECRET_PREFIX)).toBe(true);
    expect(clientSecretId(secret)).toBe(id);
    expect(isClientSecret(secret)).toBe(true);
    // A one-character change fails the checksum; the old 64-hex form is still a secret, but names nothing.
    const altered = secret.slice(0, 20) + (secret[20] === "a" ? "b" : "a") + secret.slice(21);
    expect(clientSecretId(altered)).toBeNull();
    expect(isClientSecret(altered)).toBe(false);
    expect(isClientSecret("0".repeat(64))).toBe(true);
    expect(clientSecretId("0".repeat(64))).toBeNull();
    expect(isClientSecret("0".repeat(63))).toBe(false);
  });

  it("are never read as Bearer tokens, and Bearer tokens are never client secrets", async () => {
    const { clientSecretId, mintClientSecret } = await import("../../src/core/credentials/tokens");
    const secret = mintClientSecret(uuidv7());
    expect(parseToken(secret)).toBeNull();
    expect(parseToken(secret.replace("ekcs_", "sk-"))).toBeNull();
    const { token } = mintToken("api_key", uuidv7());
    expect(clientSecretId(token)).toBeNull();
    expect(clientSecretId(token.replace("sk-", "ekcs_"))).toBeNull();
  });
});
