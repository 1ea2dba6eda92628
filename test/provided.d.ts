// What vitest.config.ts provides to every test file (`inject`), in each project.
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Multiplies every property-based suite's run count (PROPERTY_SCALE; 1 by default, sized for CI). */
    propertyScale: number;
    /** SUITE_FIGURES=1: the hardening suites print their figures (SECURITY.md quotes them). */
    suiteFigures: boolean;
    /** The workers project: the string vars and secrets its Worker must see, and no others. */
    workerVars: Record<string, string>;
  }
}
