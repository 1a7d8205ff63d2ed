import type { ApiMiddleware } from "../context";
import { caller } from "./auth";
import { PaiError } from "./errors";

/** Per-user request limits of the job API (the rest-server's: list per minute, submit per hour). */
export interface OpenpaiRateLimits {
  /** GET /api/v2/jobs per user per minute; 0 = unlimited. @default 120 */
  listPerMin: number;
  /** POST /api/v2/jobs per user per hour; 0 = unlimited. @default 3600 */
  submitPerHour: number;
}

/** The shipped rest-server.yaml's limits (docs/compat/openpai.md §1a). */
export const DEFAULT_RATE_LIMITS: OpenpaiRateLimits = { listPerMin: 120, submitPerHour: 3600 };

/**
 * Fixed-window counter per key, in memory (one hub process). `take` counts a request and says
 * how many seconds to wait when the window's budget is spent.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** null: allowed; otherwise the seconds until the key's window resets. */
  take(key: string): number | null {
    if (this.limit <= 0) return null;
    const now = this.now();
    if (this.windows.size > 10_000) {
      for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    }
    let w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    w.count += 1;
    return null;
  }
}

/**
 * Refuses a caller past its limit with 429 TooManyRequestsError and `Retry-After` (the rest-server
 * answers express-rate-limit's text; we keep the surface's `{code, message}` body). Runs after auth.
 */
export function rateLimit(limiter: RateLimiter): ApiMiddleware {
  return async function rateLimit(ctx, next) {
    const wait = limiter.take(caller(ctx).user.username);
    if (wait !== null) {
      ctx.set("Retry-After", String(wait));
      throw new PaiError(429, "TooManyRequestsError", "Too many requests, please try again later.");
    }
    return next();
  };
}
