export interface PepperConfig {
  /** Current pepper and its version; new hashes use these. */
  current: { version: number; secret: string };
  /** The pepper before the last rotation, if any. */
  previous?: { version: number; secret: string };
}

export interface SecretHash {
  hash: ArrayBuffer;
  version: number;
}

// Importing an HMAC key costs more than using it; keep one per pepper per isolate.
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keyCache.set(secret, key);
  }
  return key;
}

export class SecretHasher {
  constructor(private readonly peppers: PepperConfig) {}

  /** Hashes under the current pepper. */
  async hash(secret: string): Promise<SecretHash> {
    const { version, secret: pepper } = this.peppers.current;
    return { hash: await this.digest(pepper, secret), version };
  }

  /** The hash of `secret` under every pepper still accepted: what a stored hash of it can be. */
  async hashesUnderEveryPepper(secret: string): Promise<SecretHash[]> {
    const { current, previous } = this.peppers;
    const peppers = previous ? [current, previous] : [current];
    return Promise.all(peppers.map(async ({ version, secret: pepper }) => ({ hash: await this.digest(pepper, secret), version })));
  }

  /** True when `secret` hashes to `stored` under the pepper of `version`; constant time in the digest. */
  async verify(secret: string, stored: ArrayBuffer, version: number): Promise<boolean> {
    const pepper = this.pepperFor(version);
    if (!pepper) return false;
    const actual = await this.digest(pepper, secret);
    // Digests are always 32 bytes; a stored value of another length is corrupt, not a secret to protect.
    if (actual.byteLength !== stored.byteLength) return false;
    return crypto.subtle.timingSafeEqual(actual, stored);
  }

  /** Whether a hash of this version should be re-computed under the current pepper. */
  isStale(version: number): boolean {
    return version !== this.peppers.current.version;
  }

  private pepperFor(version: number): string | undefined {
    if (version === this.peppers.current.version) return this.peppers.current.secret;
    if (version === this.peppers.previous?.version) return this.peppers.previous.secret;
    return undefined;
  }

  private async digest(pepper: string, secret: string): Promise<ArrayBuffer> {
    return crypto.subtle.sign("HMAC", await hmacKey(pepper), new TextEncoder().encode(secret));
  }
}
