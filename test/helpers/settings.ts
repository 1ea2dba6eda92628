/**
 * The suite's two knobs (vitest.config.ts provides them to every project):
 * - PROPERTY_SCALE=N multiplies every property-based suite's run count (test/setup/properties.ts
 *   for fast-check's default; `propertyRuns` for suites that set their own). The default is
 *   sized so that `npm test` stays within its time on a 2-core machine; seeds are fixed.
 * - SUITE_FIGURES=1 prints the hardening suites' figures, which SECURITY.md quotes.
 */
import { inject } from "vitest";

/** `runs` as sized for CI, times PROPERTY_SCALE. */
export const propertyRuns = (runs: number): number => runs * (inject("propertyScale") ?? 1);

/** Prints a suite's figures when SUITE_FIGURES is set; a green run stays quiet otherwise. */
export function reportFigures(line: string): void {
  if (inject("suiteFigures")) console.info(line);
}
