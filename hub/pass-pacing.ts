/**
 * The longest gap between one signal-driven scheduler pass's end and the next's start, ms: a burst
 * of signals coalesces into one pass at least this often while passes are expensive.
 */
export const MAX_PASS_GAP_MS = 20;

/**
 * How long a signal waits before the pass it asks for, ms. A pass leaves the event loop at least as
 * long as it took (capped at MAX_PASS_GAP_MS) for agents and requests before the next one, so
 * passes take at most about half of the loop under a storm of signals; a cheap pass (a few ms at
 * 1k nodes) therefore delays the next submit by a few ms, not by a fixed spacing (issue 15: a fixed
 * 20 ms gap was most of the submit -> start latency when submits came one after another).
 *
 * @param now           performance.now() when the signal came
 * @param lastEndAt     performance.now() when the last pass ended (-Infinity before the first)
 * @param lastDurationMs what the last pass took
 */
export function passDelayMs(now: number, lastEndAt: number, lastDurationMs: number): number {
  const gap = Math.min(MAX_PASS_GAP_MS, Math.max(0, lastDurationMs));
  return Math.max(0, lastEndAt + gap - now);
}
