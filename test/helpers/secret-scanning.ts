/**
 * GitHub's side of secret scanning, for tests: signing keys published on the
 * local key endpoint (test/setup/origin-server.ts), reports signed as GitHub
 * signs them (ECDSA P-256, SHA-256, ASN.1 DER by @peculiar/asn1-ecc), and
 * calls of the Worker with GITHUB_SECRET_SCANNING_KEYS_URL pointing there.
 */
import { inject } from "vitest";
import { toDerBase64 } from "./der";
import { type CallOptions, callWithEnv, unique } from "./http";

export interface GithubKey {
  keyId: string;
  privateKey: CryptoKey;
  pem: string;
}

const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
const base64 = (bytes: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** A new signing key, with a key id like GitHub's (64 hex: here, SHA-256 of the public key). */
export async function newGithubKey(): Promise<GithubKey> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
  const lines = base64(spki)
    .match(/.{1,64}/g)!
    .join("\n");
  return {
    keyId: hex(await crypto.subtle.digest("SHA-256", spki)),
    privateKey: pair.privateKey,
    pem: `-----BEGIN PUBLIC KEY-----\n${lines}\n-----END PUBLIC KEY-----\n`,
  };
}

/** Publishes `keys` as a new key set (or replaces set `at`); returns its URL. */
export async function publishKeys(keys: GithubKey[], at = `${inject("keysUrl")}/${unique("keys")}`): Promise<string> {
  const body = JSON.stringify({ public_keys: keys.map((k, i) => ({ key_identifier: k.keyId, key: k.pem, is_current: i === 0 })) });
  const res = await fetch(at, { method: "PUT", body });
  if (res.status !== 204) throw new Error(`key endpoint answered ${res.status}`);
  return at;
}

/** How many times the Worker fetched the key set at `url`. */
export const keyFetches = async (url: string): Promise<number> => ((await (await fetch(`${url}/hits`)).json()) as { hits: number }).hits;

export async function signBody(body: string, key: GithubKey): Promise<string> {
  const raw = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key.privateKey, new TextEncoder().encode(body));
  return toDerBase64(raw);
}

export interface Match {
  token: string;
  type?: string;
  url?: string;
  source?: string;
}

/** A report of `matches` signed by `key`, posted with the keys at `keysUrl` (headers may be replaced to tamper). */
export async function report(
  keysUrl: string,
  matches: Match[] | string,
  key: GithubKey,
  opts: { headers?: Record<string, string>; body?: string; env?: Record<string, string> } = {},
) {
  const body = typeof matches === "string" ? matches : JSON.stringify(matches);
  const headers = {
    "Content-Type": "application/json",
    "Github-Public-Key-Identifier": key.keyId,
    "Github-Public-Key-Signature": await signBody(body, key),
    ...opts.headers,
  };
  const call: CallOptions = { rawBody: opts.body ?? body, headers };
  return callWithEnv({ GITHUB_SECRET_SCANNING_KEYS_URL: keysUrl, ...opts.env }, "POST", "/secret-scanning/github", call);
}
