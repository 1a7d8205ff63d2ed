/**
 * Paces join storms (a fleet installed at once, agents whose certificates all expired): a join
 * costs the hub a certificate signature and a few writes (~1-3 ms of its one event loop), so
 * thousands arriving together would starve the heartbeats and Hellos of nodes already joined.
 *
 * A cell-rate limiter (GCRA) with reservations: up to `ratePerS` joins a second are admitted, with
 * bursts of up to one second's worth. A join over the rate is refused with the delay after which a
 * slot is kept for it (`retryAfterMs`), and each refusal reserves the next slot, so a storm of N
 * agents is told to come back spread over N / ratePerS seconds instead of all at the same moment.
 */
export class JoinPacer {
  /** When the admitted joins would be on schedule (GCRA's "theoretical arrival time"), ms. */
  private due = 0;
  /** The last slot promised to a refused join, ms. */
  private promised = 0;
  private readonly intervalMs: number;
  private readonly burstMs = 1_000;

  /**
   * @param ratePerS joins admitted per second (CORRAL_JOIN_RATE); 0 admits every join at once.
   * @param maxRetryAfterMs the longest delay ever asked for. @default 120_000 ms
   */
  constructor(
    ratePerS: number,
    private readonly maxRetryAfterMs = 120_000,
  ) {
    this.intervalMs = ratePerS > 0 ? 1_000 / ratePerS : 0;
  }

  /** Admits a join now, or says after how many ms its promised slot comes (it is not admitted). */
  admit(now: number): { admitted: true } | { admitted: false; retryAfterMs: number } {
    if (this.intervalMs === 0) return { admitted: true };
    const due = Math.max(this.due, now);
    if (due - now < this.burstMs) {
      this.due = due + this.intervalMs;
      return { admitted: true };
    }
    // Capacity comes back at due - burstMs; refused joins get the slots from then on, one interval
    // apart, so they return spread out. Only admissions move `due`: a join that returns at its
    // slot finds room, whatever was promised to the joins behind it.
    const slot = Math.max(this.promised, due - this.burstMs) + this.intervalMs;
    const retryAfterMs = Math.ceil(slot - now);
    if (retryAfterMs > this.maxRetryAfterMs) return { admitted: false, retryAfterMs: this.maxRetryAfterMs };
    this.promised = slot;
    return { admitted: false, retryAfterMs };
  }
}
