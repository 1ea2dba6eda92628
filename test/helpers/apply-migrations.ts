// Setup files run before each test file, outside per-file storage isolation;
// applyD1Migrations skips what is already applied, so running it repeatedly is safe.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Each file starts with a test operator that gave no host to any account (test/helpers/http.ts).
const { forgetGivenHosts } = await import("./http");
forgetGivenHosts();
