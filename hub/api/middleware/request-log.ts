import type { Logger } from "pino";
import type { ApiMiddleware } from "../context";

/** One structured line per request. Never logs bodies or headers (they carry passwords and tokens). */
export function requestLog(logger: Logger): ApiMiddleware {
  return async function requestLog(ctx, next) {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = ctx.status >= 500 ? "error" : "debug";
      logger[level](
        {
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          user: ctx.state.principal?.user.username,
        },
        "http request",
      );
    }
  };
}
