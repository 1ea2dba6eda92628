/** The service-auth door (get-identity, the gateway): Access-style headers or Bearer; 403 for proven but refused credentials. */
import { authenticate } from "../../auth/middleware";
import { presentedCredential } from "../../auth/presented";

export const requireServiceAuth = authenticate({
  extract: (c) => presentedCredential((name) => c.req.header(name), c.env.SERVICE_AUTH_HEADER),
  refuseProvenWith403: true,
  challenge: 'Bearer realm="edgekeys"',
});
