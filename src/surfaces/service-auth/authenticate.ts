/** Middleware: service authentication of the request; the identity lands on the context. */
import { createMiddleware } from "hono/factory";
import { presentedCredential } from "../../auth/service-auth";
import type { AppEnv } from "../../env";
import { authenticateWithLimits } from "../../http/limits";

export const requireServiceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { serviceAuth } = c.var.services;
  const { identity } = await authenticateWithLimits(c, (ip) =>
    serviceAuth.authenticate(presentedCredential((name) => c.req.header(name), c.env.SERVICE_AUTH_HEADER), ip),
  );
  c.set("identity", identity);
  await next();
});
