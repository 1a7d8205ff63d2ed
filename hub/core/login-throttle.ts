import type { Clock } from "./clock";

/** When failed logins slow a user or an address down. */
export interface LoginThrottlePolicy {
  /** Failures of one username allowed before back-off starts. @default 5 */
  freeFailuresPerUser: number;
  /** Failures from one address allowed before back-off starts (NAT: many users). @default 50 */
  freeFailuresPerAddress: number;
  /** First wait after the free failures; doubles with each further failure. @default 1_000 ms */
  initialBackoffMs: number;
  /** Longest wait. @default 900_000 ms (15 min) */
  maxBackoffMs: number;
  /** A key with no failure this long starts over. @default 900_000 ms */
  forgetAfterMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  freeFailuresPerUser: 5,
  freeFailuresPerAddress: 50,
  initialBackoffMs: 1_000,
  maxBackoffMs: 900_000,
  forgetAfterMs: 900_000,
};

interface Failures {
  count: number;
  last: number;
  until: number;
}

/** Keys kept at most; past it, the oldest are dropped (memory bound under a spray of names). */
const MAX_KEYS = 100_000;

/**
 * Exponential back-off on failed logins, per username and per address, in memory (one hub
 * process). A success clears the username's record; an address's record only ages out.
 */
export class LoginThrottle {
  private readonly keys = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: LoginThrottlePolicy = DEFAULT_LOGIN_THROTTLE,
  ) {}

  /** Seconds to wait before this login may be tried, or null when it may be tried now. */
  wait(username: string, address: string | undefined): number | null {
    const now = this.clock.now();
    let until = 0;
    for (const key of this.keysOf(username, address)) {
      const f = this.current(key, now);
      if (f) until = Math.max(until, f.until);
    }
    return until > now ? Math.max(1, Math.ceil((until - now) / 1000)) : null;
  }

  failed(username: string, address: string | undefined): void {
    const now = this.clock.now();
    const [user, addr] = this.keysOf(username, address);
    this.bump(user as string, now, this.policy.freeFailuresPerUser);
    if (addr) this.bump(addr, now, this.policy.freeFailuresPerAddress);
  }

  succeeded(username: string): void {
    this.keys.delete(userKey(username));
  }

  private keysOf(username: string, address: string | undefined): string[] {
    return address ? [userKey(username), `a:${address}`] : [userKey(username)];
  }

  private current(key: string, now: number): Failures | undefined {
    const f = this.keys.get(key);
    if (f && now - f.last > this.policy.forgetAfterMs && now >= f.until) {
      this.keys.delete(key);
      return undefined;
    }
    return f;
  }

  private bump(key: string, now: number, free: number): void {
    const f = this.current(key, now) ?? { count: 0, last: now, until: 0 };
    f.count += 1;
    f.last = now;
    const over = f.count - free;
    if (over > 0) {
      const wait = Math.min(
        this.policy.maxBackoffMs,
        this.policy.initialBackoffMs * 2 ** Math.min(over - 1, 30),
      );
      f.until = now + wait;
    }
    this.keys.delete(key);
    this.keys.set(key, f);
    if (this.keys.size > MAX_KEYS) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}

const userKey = (username: string): string => `u:${username.toLowerCase()}`;
