/** Worker entry point: the HTTP app, the cron and queue handlers, and the RPC entrypoint for service bindings. */
import { createApp } from "./app";
import type { Env } from "./env";
import { consume } from "./lifecycle/deliver";
import type { DeliveryMessage } from "./lifecycle/dispatch";
import { runLifecycle } from "./lifecycle/scheduled";
import type { UsageReport } from "./core/credentials/ports";
import { consumeUsage, isUsageQueue } from "./usage/consume";

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
  /** The webhook queue and its dead-letter queue; the usage queue. */
  async queue(batch, env) {
    if (isUsageQueue(batch.queue)) await consumeUsage(batch as MessageBatch<UsageReport>, env);
    else await consume(batch as MessageBatch<DeliveryMessage>, env);
  },
} satisfies ExportedHandler<Env, DeliveryMessage | UsageReport>;
