import type { Clock, Timer } from "../../hub/core/clock";

/**
 * A clock the test moves by hand. Timers fire inside advance(), in due order, each with now() set
 * to its due time, so "nothing happened yet" is proved by advancing short of the deadline, not by
 * sleeping.
 */
export class FakeClock implements Clock {
  private timers: { due: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(private ms = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.ms;
  }

  setTimer(delayMs: number, fn: () => void): Timer {
    const timer = { due: this.ms + Math.max(0, delayMs), seq: this.seq++, fn };
    this.timers.push(timer);
    return { cancel: () => void (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (also ones they set). */
  advance(ms: number): void {
    const until = this.ms + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => t.due <= until)
        .sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.ms = Math.max(this.ms, next.due);
      next.fn();
    }
    this.ms = until;
  }

  /** Timers not fired or cancelled yet. */
  pendingTimers(): number {
    return this.timers.length;
  }
}
