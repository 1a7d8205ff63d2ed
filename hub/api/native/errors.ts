import type { Logger } from "pino";
import { CorralError, ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";
import { httpErrorStatus } from "../middleware/http-errors";

const BY_KIND: Record<CorralError["kind"], [number, string]> = {
  invalid: [400, "invalid_argument"],
  unauthenticated: [401, "unauthenticated"],
  forbidden: [403, "permission_denied"],
  not_found: [404, "not_found"],
  conflict: [409, "conflict"],
  unavailable: [502, "agent_unavailable"],
};

/** The native API's error body: `{code, message, field?}`; 500s carry the request id, never a stack. */
export function nativeErrors(logger: Logger): ApiMiddleware {
  return async function nativeErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (err instanceof CorralError) {
        const [status, code] = BY_KIND[err.kind];
        ctx.status = status;
        ctx.body =
          err instanceof ValidationError
            ? { code, message: err.message, field: err.field }
            : { code, message: err.message };
        return;
      }
      const http = httpErrorStatus(err);
      if (http) {
        ctx.status = http.status;
        ctx.body = {
          code: http.status === 400 ? "invalid_argument" : "request_error",
          message: http.message,
        };
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId }, "unhandled error");
      ctx.status = 500;
      ctx.body = { code: "internal", message: "internal error", requestId: ctx.state.requestId };
    }
  };
}
