/**
 * Authentication as Cloudflare's API takes it: `Authorization: Bearer <token>`,
 * or `X-Auth-Email` + `X-Auth-Key` (the key's owner's email and the key).
 */
import { unauthenticated } from "../core/shared/errors";
import { normalizeEmail } from "../core/orgs/orgs";
import { bearerToken } from "./presented";
import { authenticate } from "./middleware";

/**
 * The one answer to every failed guess on the X-Auth path: a wrong email, an
 * unknown key, a wrong secret and a malformed key all answer the same 401, so
 * that a valid key does not reveal whose it is (nor that it is valid at all) to
 * whoever lacks its email. Each failure keeps its kind for the per-IP limiter.
 * A disabled or expired key still says so, as it would as a Bearer token:
 * whoever sent it proved its secret.
 */
const UNKNOWN_PAIR = "Unknown X-Auth-Key or X-Auth-Email";

export const requireApiCredentials = authenticate({
  extract(c) {
    const token = bearerToken(c.req.header("Authorization"));
    if (token !== null) return { kind: "bearer", token };
    const key = c.req.header("X-Auth-Key");
    const email = c.req.header("X-Auth-Email");
    if (!key && !email) throw unauthenticated("missing", "Missing X-Auth-Key, X-Auth-Email or Authorization headers");
    if (!key || !email) throw unauthenticated("malformed", "X-Auth-Key and X-Auth-Email must be sent together");
    return { kind: "bearer", token: key, guessMessage: UNKNOWN_PAIR };
  },
  admit(c, { record }) {
    if (c.req.header("Authorization") !== undefined) return; // a Bearer token needs no email
    if (normalizeEmail(c.req.header("X-Auth-Email") ?? "") !== record.principal?.email) throw unauthenticated("unknown", UNKNOWN_PAIR);
  },
  challenge: 'Bearer realm="edgekeys"',
});
