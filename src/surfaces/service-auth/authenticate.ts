/** Middleware: service authentication of the request; the identity lands on the context. */
import { createMiddleware } from "hono/factory";
import { presentedCredential } from "../../auth/service-auth";
import type { AppEnv } from "../../env";
import { afterResponse } from "../../http/background";
import { authenticateWithLimits } from "../../http/limits";

export const requireServiceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { serviceAuth, credentials } = c.var.services;
  const { identity, credential } = await authenticateWithLimits(c, (ip) =>
    serviceAuth.authenticate(presentedCredential((name) => c.req.header(name), c.env.SERVICE_AUTH_HEADER), ip),
  );
  afterResponse(c, credentials.noteUse(credential));
  c.set("identity", identity);
  await next();
});
