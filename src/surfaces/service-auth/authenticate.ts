/** The service-auth door (get-identity, the gateway): Access-style headers or Bearer; 403 for proven but refused credentials. */
import { authenticate } from "../../auth/middleware";
import { presentedCredential } from "../../auth/presented";
import { configOf } from "../../config";

export const requireServiceAuth = authenticate({
  extract: (c) => presentedCredential((name) => c.req.header(name), configOf(c.env).serviceAuthHeader),
  refuseProvenWith403: true,
  permission: "identity",
  challenge: 'Bearer realm="edgekeys"',
});
