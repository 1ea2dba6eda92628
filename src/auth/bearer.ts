/**
 * `Authorization: Bearer <token>`: how the token is read, and the door of the
 * Braintrust surface (`/v1`), where every route takes an API key or a
 * Braintrust service token.
 */
import { unauthenticated } from "../core/errors";
import { authenticate } from "./middleware";

/** The token of a `Bearer` Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw unauthenticated("malformed", "Authorization header must be \"Bearer <API key>\"");
  return match[1]!;
}

export const requireBearer = authenticate({
  extract(c) {
    const token = bearerToken(c.req.header("Authorization"));
    if (token === null) throw unauthenticated("missing", "Missing Authorization header (Bearer <API key>)");
    return { kind: "bearer", token };
  },
  challenge: 'Bearer realm="edgekeys"',
});
