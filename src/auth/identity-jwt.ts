/**
 * Signed identity assertions, modelled on Cloudflare Access's
 * `Cf-Access-Jwt-Assertion`: ES256 (or RS256) JWTs signed with JWT_PRIVATE_KEY,
 * whose public keys are published as a JWKS (with a second key during rotation).
 *
 * Signed here with WebCrypto rather than `hono/jwt`'s `sign`, which imports the
 * key on every call and omits the `kid` for an imported key: the key is imported
 * once per isolate, which matters on the hot path. Assertions verify with
 * `hono/jwt` and `jose` (see the tests).
 */
import { encodeBase64Url } from "hono/utils/encode";
import { DomainError } from "../core/shared/errors";
import { uuidToHex } from "../core/shared/ids";
import type { JwtSettings } from "../config";
import type { ServiceIdentity } from "./service-auth";

const ACCOUNT_AUDIENCE_PREFIX = "edgekeys:account:";

/**
 * The audience of assertions minted outside the gateway (`get-identity`, RPC):
 * the credential's own account. It can never equal the gateway's audience, so
 * an origin behind the gateway never accepts an assertion that the gateway
 * itself did not admit.
 */
export const accountAudience = (orgId: string) => `${ACCOUNT_AUDIENCE_PREFIX}${uuidToHex(orgId)}`;

type Jwk = JsonWebKey & { kid?: string; alg?: string };

const ALGORITHMS: Record<string, SubtleCryptoImportKeyAlgorithm> = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};
const SIGN_PARAMS: Record<string, SubtleCryptoSignAlgorithm> = {
  ES256: { name: "ECDSA", hash: "SHA-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};
const PRIVATE_PARTS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

function parseKey(name: string, text: string): Jwk & { kid: string; alg: string } {
  let jwk: Jwk;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new DomainError("misconfigured", `${name} is not a JSON Web Key`);
  }
  const alg = jwk.alg ?? (jwk.kty === "EC" ? "ES256" : jwk.kty === "RSA" ? "RS256" : undefined);
  if (!alg || !ALGORITHMS[alg]) throw new DomainError("misconfigured", `${name} must be an ES256 (P-256) or RS256 key`);
  if (!jwk.kid) throw new DomainError("misconfigured", `${name} needs a "kid"`);
  return { ...jwk, alg, kid: jwk.kid };
}

/** A published certificate, as in Access's certs document. */
export interface PublishedCert {
  kid: string;
  cert: string;
}

/** A PEM certificate, normalised (escaped newlines from a .dev.vars line undone); refuses anything else. */
function pem(name: string, text: string): string {
  const value = text.replace(/\\n/g, "\n").trim();
  if (!/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----$/.test(value)) {
    throw new DomainError("misconfigured", `${name} must be a PEM X.509 certificate`);
  }
  return `${value}\n`;
}

/** The public half of a JWK, as published in the JWKS. */
function publicPart(jwk: Jwk): Jwk {
  const pub: Record<string, unknown> = { ...jwk, use: "sig" };
  for (const part of PRIVATE_PARTS) delete pub[part];
  delete pub.key_ops;
  return pub as unknown as Jwk;
}

export class IdentitySigner {
  private readonly key: Jwk & { kid: string; alg: string };
  private readonly previous: Jwk | null;
  private readonly ttl: number;
  private readonly certs: PublishedCert[];
  private cryptoKey: Promise<CryptoKey> | undefined;

  /** Certificates (PEM X.509, made by scripts/signing-key.mjs) are published as Access publishes them. */
  constructor(private readonly settings: JwtSettings) {
    if (!settings.privateKey) throw new DomainError("misconfigured", "JWT_PRIVATE_KEY is not set");
    this.key = parseKey("JWT_PRIVATE_KEY", settings.privateKey);
    if (!this.key.d) throw new DomainError("misconfigured", "JWT_PRIVATE_KEY must be a private key");
    if (settings.audience?.startsWith(ACCOUNT_AUDIENCE_PREFIX)) {
      throw new DomainError(
        "misconfigured",
        `JWT_AUDIENCE may not start with ${ACCOUNT_AUDIENCE_PREFIX} (reserved for per-account assertions)`,
      );
    }
    this.previous = settings.previousKey ? parseKey("JWT_PREVIOUS_KEY", settings.previousKey) : null;
    const current = settings.certificate ? [{ kid: this.key.kid, cert: pem("JWT_CERTIFICATE", settings.certificate) }] : [];
    const previous =
      this.previous && settings.previousCertificate
        ? [{ kid: this.previous.kid!, cert: pem("JWT_PREVIOUS_CERTIFICATE", settings.previousCertificate) }]
        : [];
    this.certs = [...current, ...previous];
    this.ttl = settings.ttlSeconds;
  }

  /** `{keys: [...]}`: the current key first, then the previous one. */
  jwks(): { keys: Jwk[]; public_cert?: PublishedCert; public_certs?: PublishedCert[] } {
    const keys = [this.key, ...(this.previous ? [this.previous] : [])].map(publicPart);
    if (!this.certs.length) return { keys };
    // As Access: `public_cert` is the current key's, `public_certs` every published one's.
    return { keys, public_cert: this.certs[0], public_certs: this.certs };
  }

  /**
   * Signs an assertion for `identity`, for `audience`: the gateway's (see
   * `gateway.ts`) or the credential's account (`accountAudience`). Neither the
   * issuer nor the audience ever comes from the request.
   */
  async sign(identity: ServiceIdentity, audience: string, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    return this.signJws({
      iss: this.settings.issuer,
      aud: [audience],
      iat,
      nbf: iat,
      exp: iat + this.ttl,
      sub: identity.credentialId,
      type: "app",
      common_name: identity.clientId ?? identity.credentialId,
      account_id: uuidToHex(identity.orgId),
      org_id: identity.orgId,
      credential_kind: identity.credentialKind,
      name: identity.name,
      ...(identity.principal ? { email: identity.principal.email, principal_id: identity.principal.id } : {}),
    });
  }

  /**
   * Signs the assertion of an Access application, shaped as Access's
   * service-token JWT: `aud` the application's AUD tag, `common_name` the
   * client id, `sub` empty, `type: "app"` (and `nbf`, which validators accept).
   */
  async signForApplication(clientId: string, aud: string, now = Date.now()): Promise<string> {
    const iat = Math.floor(now / 1000);
    const iss = this.settings.issuer;
    return this.signJws({ aud: [aud], exp: iat + this.ttl, iat, nbf: iat, iss, type: "app", common_name: clientId, sub: "" });
  }

  /** Compact JWS: `base64url(header).base64url(payload).base64url(signature)`. */
  private async signJws(payload: Record<string, unknown>): Promise<string> {
    const { alg, kid } = this.key;
    this.cryptoKey ??= crypto.subtle.importKey("jwk", this.key, ALGORITHMS[alg]!, false, ["sign"]);
    const encode = (part: unknown) => encodeBase64Url(new TextEncoder().encode(JSON.stringify(part)).buffer).replace(/=+$/, "");
    const input = `${encode({ alg, typ: "JWT", kid })}.${encode(payload)}`;
    const signature = await crypto.subtle.sign(SIGN_PARAMS[alg]!, await this.cryptoKey, new TextEncoder().encode(input));
    return `${input}.${encodeBase64Url(signature).replace(/=+$/, "")}`;
  }
}
