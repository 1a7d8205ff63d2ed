import type { Logger } from "pino";
import { CorralError, ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";
import { httpErrorStatus } from "../middleware/http-errors";

const STATUS: Record<CorralError["kind"], number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
};

/**
 * Run:ai's error body: `{code, message, details?}` where code is the HTTP status (swagger
 * `Error`); a validation error names the field in `details`. 500s carry the request id only.
 */
export function runaiErrors(logger: Logger): ApiMiddleware {
  return async function runaiErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (err instanceof CorralError) {
        const status = STATUS[err.kind];
        ctx.status = status;
        ctx.body =
          err instanceof ValidationError
            ? { code: status, message: err.message, details: `field ${err.field}: ${err.reason}` }
            : { code: status, message: err.message };
        return;
      }
      const http = httpErrorStatus(err);
      if (http) {
        ctx.status = http.status;
        ctx.body = { code: http.status, message: http.message };
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId }, "unhandled error");
      ctx.status = 500;
      ctx.body = { code: 500, message: "internal error", details: `request id ${ctx.state.requestId}` };
    }
  };
}
