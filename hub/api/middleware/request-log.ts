import type { Logger } from "pino";
import { redactPath } from "../../log-redaction";
import type { ApiMiddleware } from "../context";

/**
 * One structured line per request. Never logs bodies, headers or query strings (they carry
 * passwords and tokens); tokens in the path are redacted.
 */
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
          // Tokens in paths (DELETE /tokens/<jwt>) never reach the log; the query is never logged.
          path: redactPath(ctx.path),
          status: ctx.status,
          ms: Math.round(ms * 10) / 10,
          user: ctx.state.principal?.user.username,
        },
        "http request",
      );
    }
  };
}
