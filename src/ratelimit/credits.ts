/**
 * Credits: a count that each admitted request spends, topped up to `amount`
 * at every `intervalSeconds` after the moment the count was set (so a refill
 * lands exactly on its interval, whenever requests come). Pure arithmetic on
 * O(1) state; the credential's home keeps the state in its own storage and
 * decides, one request at a time, so the count is exact under concurrency.
 */

export interface CreditsSetting {
  remaining: number;
  refill: { amount: number; intervalSeconds: number } | null;
  /** When the count was set: a setting with another stamp starts the count over. */
  setAt: number;
}

export interface CreditsState {
  setAt: number;
  remaining: number;
  /** The last refill period applied (periods are counted from `setAt`). */
  period: number;
}

/** `state` as of `now`: reset when the setting is new, topped up when a refill period has begun since. Pure. */
export function creditsAt(state: CreditsState | undefined, setting: CreditsSetting, now: number): CreditsState {
  const current = state && state.setAt === setting.setAt ? { ...state } : { setAt: setting.setAt, remaining: setting.remaining, period: 0 };
  if (setting.refill) {
    const period = Math.floor((now - setting.setAt) / (setting.refill.intervalSeconds * 1000));
    if (period > current.period) {
      current.remaining = Math.max(current.remaining, setting.refill.amount);
      current.period = period;
    }
  }
  return current;
}

/** Whole seconds until the next refill lands, or null when none is due. */
export function secondsToRefill(setting: CreditsSetting, now: number): number | null {
  if (!setting.refill) return null;
  const interval = setting.refill.intervalSeconds * 1000;
  const next = setting.setAt + (Math.floor((now - setting.setAt) / interval) + 1) * interval;
  return Math.max(1, Math.ceil((next - now) / 1000));
}
