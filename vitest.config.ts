import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { generateSigningJwk } from "./test/setup/jwk";

/**
 * Two projects:
 * - `workers`: unit and integration tests inside workerd, with real D1 (migrations
 *   applied in a setup file) and Durable Objects;
 * - `e2e`: Node tests that start the Worker for real on 127.0.0.1 and drive it
 *   with the official clients.
 */
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: "test-admin-token",
                  TOKEN_PEPPER: "test-pepper-0123456789abcdef",
                  JWT_PRIVATE_KEY: generateSigningJwk(),
                  WEBHOOK_ENCRYPTION_KEY: "test-webhook-key-0123456789abcdef",
                  // Receivers run on 127.0.0.1 over http; retries come after 1 s, twice (3 attempts in all).
                  WEBHOOK_ALLOW_INSECURE: "true",
                  WEBHOOK_RETRY_SCHEDULE: "1,1",
                  // Never GitHub: the leak-response tests pass their own key endpoint; anything else fails to connect.
                  GITHUB_SECRET_SCANNING_KEYS_URL: "http://127.0.0.1:9/meta/public_keys/secret_scanning",
                },
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
            setupFiles: ["./test/helpers/apply-migrations.ts", "./test/helpers/secret-audit.ts"],
            globalSetup: ["./test/setup/origin-server.ts"],
          },
        },
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/setup/e2e-worker.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            // One Worker is shared by every e2e file; run them one after another.
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
