/**
 * Polling with back-off: the console refreshes live views every `baseMs` while the hub answers,
 * and waits longer after each failure (doubling up to `maxMs`) so a hub that is down or
 * restarting is not hammered by every open tab. One success goes back to `baseMs`.
 */
export interface BackoffPolicy {
  /** @default 2_000 ms */
  baseMs: number;
  /** @default 2 */
  multiplier: number;
  /** @default 60_000 ms */
  maxMs: number;
}

export const POLL: BackoffPolicy = { baseMs: 2_000, multiplier: 2, maxMs: 60_000 };

/** The wait before the next poll after `failures` failed polls in a row (0: the base interval). */
export function pollInterval(failures: number, policy: BackoffPolicy = POLL): number {
  if (failures <= 0) return policy.baseMs;
  return Math.min(policy.maxMs, policy.baseMs * policy.multiplier ** failures);
}
