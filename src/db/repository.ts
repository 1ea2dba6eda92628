/**
 * The storage ports now live in the core (`src/core/ports.ts`): the core owns
 * its contracts and imports nothing from here. This re-export only keeps
 * `src/services.ts` building until it imports `Repository` from the core; then
 * this file goes.
 */
export type * from "../core/ports";
