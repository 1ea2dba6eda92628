/** Middleware: service authentication of the request; the identity lands on the context. */
import { createMiddleware } from "hono/factory";
import { presentedCredential } from "../../auth/service-auth";
import type { AppEnv } from "../../env";
import { afterResponse } from "../../http/background";

export const requireServiceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { serviceAuth, credentials } = c.var.services;
  const presented = presentedCredential((name) => c.req.header(name), c.env.SERVICE_AUTH_HEADER);
  const { identity, credential } = await serviceAuth.authenticate(presented);
  afterResponse(c, credentials.noteUse(credential));
  c.set("identity", identity);
  await next();
});
