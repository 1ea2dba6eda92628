/** Worker entry point: the HTTP app, and the RPC entrypoint for service bindings. */
import { createApp } from "./app";

export { CredentialObject } from "./auth/credential-object";
export { RateLimiter } from "./ratelimit/rate-limiter-object";
export { AuthService } from "./rpc/auth-service";

export default createApp();
