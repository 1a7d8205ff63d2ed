import type { CorralError } from "../../core/errors";
import { ValidationError } from "../../core/errors";
import type { ErrorKind, ErrorRenderer } from "../middleware/errors";

const CODE: Record<ErrorKind, string> = {
  invalid: "invalid_argument",
  unauthenticated: "unauthenticated",
  forbidden: "permission_denied",
  not_found: "not_found",
  conflict: "conflict",
  unavailable: "agent_unavailable",
  rate_limited: "rate_limited",
};

/** The native API's error body: `{code, message, field?}`; 500s carry the request id, never a stack. */
export const nativeErrors: ErrorRenderer = {
  core: (err: CorralError) =>
    err instanceof ValidationError
      ? { code: CODE[err.kind], message: err.message, field: err.field }
      : { code: CODE[err.kind], message: err.message },
  request: (status, message) => ({
    status,
    body: { code: status === 400 ? "invalid_argument" : "request_error", message },
  }),
  internal: (requestId) => ({ code: "internal", message: "internal error", requestId }),
};
