/** Worker entry point: the HTTP app, the cron and queue handlers, and the RPC entrypoint for service bindings. */
import { createApp } from "./app";
import type { Env } from "./env";
import { consume } from "./lifecycle/deliver";
import type { DeliveryMessage } from "./lifecycle/dispatch";
import { runLifecycle } from "./lifecycle/scheduled";

export { CredentialObject } from "./auth/credential-object";
export { RateLimiter } from "./ratelimit/rate-limiter-object";
export { AuthService } from "./rpc/auth-service";

/**
 * The HTTP app (its routers, validators and route table) is built by the first request that needs
 * it: an isolate that runs only the Durable Objects, RPC, the cron or the queues never builds it.
 */
type App = ReturnType<typeof createApp>;
let app: App | undefined;

export default {
  fetch: (...args: Parameters<App["fetch"]>) => (app ??= createApp()).fetch(...args),
  /** The Cron Trigger (wrangler.toml): lifecycle notices, then the deliveries due. */
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runLifecycle(env, controller.scheduledTime).then((report) => console.log(`lifecycle ${controller.cron}: ${JSON.stringify(report)}`)),
    );
  },
  /** The webhook queue and its dead-letter queue. */
  async queue(batch, env) {
    await consume(batch, env);
  },
} satisfies ExportedHandler<Env, DeliveryMessage>;
