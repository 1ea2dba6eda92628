// Setup of the unit and workers projects: fast-check's default run count (100) times
// PROPERTY_SCALE (test/helpers/settings.ts). Suites that set `numRuns` scale it with `propertyRuns`.
import fc from "fast-check";
import { inject } from "vitest";

fc.configureGlobal({ ...fc.readConfigureGlobal(), numRuns: 100 * (inject("propertyScale") ?? 1) });
