/** Time source and timers, injected so tests can move time instead of sleeping. */
export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /**
   * Calls `fn` once, `delayMs` from now (0 or less: as soon as possible). A pending timer never
   * keeps the process alive. The returned handle cancels it; cancelling a fired timer does nothing.
   */
  setTimer(delayMs: number, fn: () => void): Timer;
}

export interface Timer {
  cancel(): void;
}

/** Longest delay Node's setTimeout takes (2^31 - 1 ms, about 24.8 days); longer ones are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    let handle: NodeJS.Timeout;
    const due = Date.now() + Math.max(0, delayMs);
    const arm = (): void => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};
