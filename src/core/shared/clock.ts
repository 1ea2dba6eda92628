/**
 * A clock that can be told apart from real time: the usage simulation runs the
 * credentials' homes on a compressed one (hours in seconds), whose alarms must
 * still be set in real time. Everywhere else it is the real clock.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export interface Clock {
  now(): number;
  /** The real instant at which this clock reads `at` (for alarms). */
  toReal(at: number): number;
}

export const REAL_CLOCK: Clock = { now: () => Date.now(), toReal: (at) => at };

/** Runs `scale` times faster than real time from the instant `origin`, where both read the same. */
export const compressedClock = (scale: number, origin: number): Clock => ({
  now: () => origin + (Date.now() - origin) * scale,
  toReal: (at) => origin + (at - origin) / scale,
});
