/** The service-auth door (get-identity, the gateway): Access-style headers or Bearer; 403 for proven but refused credentials. */
import { authenticate } from "../../auth/middleware";
import { presentedCredential } from "../../auth/presented";
import { configOf } from "../../config";

/** The door of get-identity and of the single-account gateway: the pair, SERVICE_AUTH_HEADER's JSON, or Bearer. */
export const requireServiceAuth = serviceAuthDoor(null);

/** The door of an application whose `read_service_tokens_from_header` names one more JSON header (null: none). */
export function serviceAuthDoor(tokenHeader: string | null) {
  return authenticate({
    extract: (c) => presentedCredential((name) => c.req.header(name), tokenHeader, configOf(c.env).serviceAuthHeader),
    refuseProvenWith403: true,
    permission: "identity",
    challenge: 'Bearer realm="edgekeys"',
  });
}
