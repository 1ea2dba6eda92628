import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, type ViteUserConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { experimental_readRawConfig } from "wrangler";
import { dropIncompleteDependencySourcemaps } from "./test/setup/dependency-sourcemaps.ts";
import { generateSigningJwk } from "./test/setup/jwk.ts";

/**
 * The projects:
 * - `unit`: the pure code (core, policy decisions, token formats, bucket arithmetic) in plain
 *   Node, the core on its in-memory ports;
 * - `workers` and `workers-own-db`: integration tests inside workerd, with real D1 (migrations
 *   applied in a setup file), Durable Objects, Queues and the scheduled handler;
 * - `e2e`: Node tests that start the Worker for real on 127.0.0.1 and drive it with the
 *   official clients (and the console in Chromium).
 *
 * Nothing local reaches a test: the workers project's Worker is configured from wrangler.toml and
 * the bindings below only (see `hermeticWranglerConfig`), and the e2e Workers keep their secrets
 * and state in a throw-away directory (scripts/local-worker.mjs).
 *
 * `PROPERTY_SCALE=10 npm test` runs every property-based suite with ten times its cases (the
 * default is sized for CI); `SUITE_FIGURES=1` prints the hardening suites' figures (SECURITY.md).
 */
const root = import.meta.dirname;

/**
 * wrangler.toml's settings, for the workers project, in a file of a fresh directory. Wrangler reads
 * `.dev.vars` (or `.env`) beside the configuration file it is given and lays those values over the
 * Worker's vars: the developer's local secrets, which `npm run dev` writes, would reach the Worker
 * under test. A copy in an empty directory (its paths made absolute) has nothing beside it, and
 * CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false stops wrangler from reading `.env` files (or, with
 * CLOUDFLARE_INCLUDE_PROCESS_ENV, the shell's environment) in their place.
 */
function hermeticWranglerConfig(): { configPath: string; vars: Record<string, string>; alias: Record<string, string> } {
  const { rawConfig } = experimental_readRawConfig({ config: path.join(root, "wrangler.toml") });
  const config = structuredClone(rawConfig) as Record<string, any>;
  const absolute = (p: string) => path.resolve(root, p);
  if (config.main) config.main = absolute(config.main);
  if (config.assets?.directory) config.assets.directory = absolute(config.assets.directory);
  for (const db of config.d1_databases ?? []) if (db.migrations_dir) db.migrations_dir = absolute(db.migrations_dir);
  for (const [from, to] of Object.entries<string>(config.alias ?? {})) if (to.startsWith(".")) config.alias[from] = absolute(to);
  const dir = mkdtempSync(path.join(tmpdir(), "edgekeys-test-config-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "wrangler.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { configPath: file, vars: { ...config.vars }, alias: { ...config.alias } };
}

process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV = "false";

/** Settings every test file can `inject`. */
const provide = {
  propertyScale: Math.max(1, Number(process.env.PROPERTY_SCALE) || 1),
  suiteFigures: /^(1|true|yes)$/i.test(process.env.SUITE_FIGURES ?? ""),
};

/** The workers project's secrets and vars, over wrangler.toml's. */
const workerBindings = {
  ADMIN_TOKEN: "test-admin-token",
  TOKEN_PEPPER: "test-pepper-0123456789abcdef",
  JWT_PRIVATE_KEY: generateSigningJwk(),
  WEBHOOK_ENCRYPTION_KEY: "test-webhook-key-0123456789abcdef",
  // Receivers run on 127.0.0.1 over http; retries come after 1 s, twice (3 attempts in all).
  WEBHOOK_ALLOW_INSECURE: "true",
  WEBHOOK_RETRY_SCHEDULE: "1,1",
  // Never GitHub: the leak-response tests pass their own key endpoint; anything else fails to connect.
  GITHUB_SECRET_SCANNING_KEYS_URL: "http://127.0.0.1:9/meta/public_keys/secret_scanning",
};

/**
 * Vitest runs the projects one after another (two files at a time) and, within each, the longest
 * files first (by the last run's durations). The e2e project goes first: its files wait on
 * Workers, Chromium and `npm run dev`, and the longest of them is the longest of the suite; then
 * the files with a database of their own, the unit tests, and the workers project's many short
 * files last, where they fill both lanes to the end.
 */
const PROJECT_ORDER = ["e2e", "workers-own-db", "unit", "workers"];
class ProjectOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => PROJECT_ORDER.indexOf(spec.project.name);
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * Away from a terminal (CI, a log file) a green run prints its summary only; a failure is printed
 * whole, with what its test logged. At a terminal, vitest's live summary.
 */
const reporters: NonNullable<ViteUserConfig["test"]>["reporters"] = process.stdout.isTTY ? ["default"] : [["minimal", { silent: false }]];

/** Integration test files that compare the whole database before and after a request. */
const OWN_DATABASE = [
  "test/integration/hardening/faults.test.ts",
  "test/integration/hardening/hostile-input.test.ts",
  "test/integration/leaks/public-revocation.test.ts",
  "test/integration/leaks/secret-scanning.test.ts",
];

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, "migrations"));
  const worker = hermeticWranglerConfig();

  /** A project of integration tests inside workerd: real D1, Durable Objects, Queues and crons. */
  const workersProject = (name: string, files: { isolate: boolean; include?: string[]; exclude?: string[] }) => ({
    // wrangler.toml's [alias] of a whole package (the OpenAPI generator's stand-in, whose `.openapi()`
    // hands a schema back as it is) applies here too, so that requests are validated as in the
    // shipped Worker. Its aliases of zod's relative imports do not: vite would apply them to every
    // importer; those stand-ins replace code no request runs (locales, compiler, JSON Schema).
    resolve: {
      alias: Object.entries(worker.alias)
        .filter(([from]) => !from.startsWith("."))
        .map(([from, to]) => ({ find: new RegExp(`^${from.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`), replacement: to })),
    },
    plugins: [
      dropIncompleteDependencySourcemaps(),
      cloudflareTest({
        wrangler: { configPath: worker.configPath },
        // workerd's own diagnostics (native stacks of, say, a fetch a test points at a closed port)
        // only with WORKERD_VERBOSE=1; what the Worker logs is printed, or checked, by the tests.
        verbose: /^(1|true|yes)$/i.test(process.env.WORKERD_VERBOSE ?? ""),
        miniflare: { bindings: { TEST_MIGRATIONS: migrations, ...workerBindings } },
      }),
    ],
    test: {
      name,
      include: files.include ?? ["test/integration/**/*.test.ts"],
      exclude: files.exclude ?? [],
      isolate: files.isolate,
      // vitest's 5 s is tight on a busy 2-core machine, with e2e Workers and Chromium beside.
      testTimeout: 20_000,
      setupFiles: ["./test/helpers/apply-migrations.ts", "./test/helpers/secret-audit.ts", "./test/setup/properties.ts"],
      globalSetup: ["./test/setup/origin-server.ts"],
      // What the Worker under test must see, and nothing else (test/integration/hermetic.test.ts).
      provide: { ...provide, workerVars: { ...worker.vars, ...workerBindings } },
    },
  });

  return {
    test: {
      // Two files at a time, from any project: the workers project's files on one workerd, the
      // e2e files beside them.
      maxWorkers: 2,
      sequence: { sequencer: ProjectOrder },
      reporters,
      projects: [
        {
          test: {
            name: "unit",
            environment: "node",
            include: ["test/unit/**/*.test.ts"],
            setupFiles: ["./test/setup/node-runtime.ts", "./test/setup/properties.ts"],
            // Pure code: no file leaves anything behind for the next.
            isolate: false,
            provide,
          },
        },
        // One workerd (and one database) runs file after file, instead of a new one per file
        // (about 2 s each): tests make their own orgs, hosts and receiver boxes, so that files
        // need not clean up after each other.
        workersProject("workers", { isolate: false, exclude: OWN_DATABASE }),
        // Files that compare the whole database before and after: on a database of their own,
        // where no other file's deliveries or last-used writes can land in between.
        workersProject("workers-own-db", { isolate: true, include: OWN_DATABASE }),
        {
          test: {
            name: "e2e",
            environment: "node",
            include: ["test/e2e/**/*.test.ts"],
            globalSetup: ["./test/setup/e2e-worker.ts"],
            testTimeout: 60_000,
            hookTimeout: 120_000,
            provide,
          },
        },
      ],
    },
  };
});
