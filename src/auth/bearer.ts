/**
 * The door of the Braintrust surface (`/v1`), where every route takes
 * `Authorization: Bearer` with an API key or a Braintrust service token.
 */
import { unauthenticated } from "../core/shared/errors";
import { authenticate } from "./middleware";
import { bearerToken } from "./presented";

export const requireBearer = authenticate({
  extract(c) {
    const token = bearerToken(c.req.header("Authorization"));
    if (token === null) throw unauthenticated("missing", "Missing Authorization header (Bearer <API key>)");
    return { kind: "bearer", token };
  },
  challenge: 'Bearer realm="edgekeys"',
});
