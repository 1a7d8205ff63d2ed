import { ValidationError } from "../../core/errors";
import type { ErrorRenderer } from "../middleware/errors";

/**
 * Run:ai's error body: `{code, message, details?}` where code is the HTTP status (swagger
 * `Error`); a validation error names the field in `details`. 500s carry the request id only.
 */
export const runaiErrors: ErrorRenderer = {
  status: { unavailable: 503 },
  core: (err, status) =>
    err instanceof ValidationError
      ? { code: status, message: err.message, details: `field ${err.field}: ${err.reason}` }
      : { code: status, message: err.message },
  request: (status, message) => ({ status, body: { code: status, message } }),
  internal: (requestId) => ({ code: 500, message: "internal error", details: `request id ${requestId}` }),
};
