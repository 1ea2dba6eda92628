/**
 * What a request presents as its credential, read from its headers: a Bearer
 * token, or an Access client id and secret (as two headers, or as one JSON
 * header named by SERVICE_AUTH_HEADER). Reading refuses before any I/O.
 */
import { unauthenticated } from "../core/errors";

export type PresentedCredential = ({ kind: "client"; clientId: string; secret: string } | { kind: "bearer"; token: string }) & {
  /** The door's one answer to every failed guess, when it must not say which part was wrong. */
  guessMessage?: string;
};

/** The token of a `Bearer` Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw unauthenticated("malformed", "Authorization header must be \"Bearer <API key>\"");
  return match[1]!;
}

type HeaderGetter = (name: string) => string | null | undefined;

/** Reads the presented credential from request headers; a `missing` failure when there is none at all. */
export function presentedCredential(header: HeaderGetter, serviceAuthHeader?: string): PresentedCredential {
  const clientId = header("CF-Access-Client-Id");
  const secret = header("CF-Access-Client-Secret");
  if (clientId || secret) {
    if (!clientId || !secret) throw unauthenticated("malformed", "CF-Access-Client-Id and CF-Access-Client-Secret must be sent together");
    return { kind: "client", clientId: clientId.trim(), secret: secret.trim() };
  }
  const combined = serviceAuthHeader ? header(serviceAuthHeader) : null;
  if (combined) return fromCombinedHeader(combined, serviceAuthHeader!);
  const token = bearerToken(header("Authorization") ?? undefined);
  if (token === null) throw unauthenticated("missing", "Missing credentials: send CF-Access-Client-Id and CF-Access-Client-Secret");
  return { kind: "bearer", token };
}

function fromCombinedHeader(value: string, name: string): PresentedCredential {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw unauthenticated("malformed", `${name} must be JSON with "cf-access-client-id" and "cf-access-client-secret"`);
  }
  const fields = parsed as Record<string, unknown> | null;
  const clientId = fields?.["cf-access-client-id"];
  const secret = fields?.["cf-access-client-secret"];
  if (typeof clientId !== "string" || typeof secret !== "string") {
    throw unauthenticated("malformed", `${name} must be JSON with "cf-access-client-id" and "cf-access-client-secret"`);
  }
  return { kind: "client", clientId, secret };
}

