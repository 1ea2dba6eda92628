/** Worker entry point: the HTTP app, and the RPC entrypoint for service bindings. */
import { createApp } from "./app";

export { AuthService } from "./rpc/auth-service";

export default createApp();
