import type { CorralError } from "../../core/errors";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors";
import type { ErrorAnswer, ErrorRenderer } from "../middleware/errors";

/**
 * A ModelArts business error: `{error_code, error_msg, error_solution?}` with its own HTTP
 * status. The SDK keeps `error_code` only when `error_msg` is there too, so both always are.
 * Most business errors, "not found" included, are HTTP 400 in ModelArts (docs/compat/modelarts.md).
 */
export class ModelArtsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly solution?: string,
  ) {
    super(message);
  }
}

/** The body of a ModelArts error. */
export const errorBody = (code: string, msg: string, solution?: string): Record<string, string> =>
  solution === undefined
    ? { error_code: code, error_msg: msg }
    : { error_code: code, error_msg: msg, error_solution: solution };

/** Codes used where no group-specific code applies (chosen by us; listed in docs/compat/modelarts.md). */
export const GENERIC = {
  /** A request field is missing or malformed. */
  invalid: "ModelArts.0103",
  /** No token or signature, or one that does not verify (APIG's words: the gateway answers). */
  unauthenticated: "APIG.1002",
  /** The caller may not do this. */
  forbidden: "ModelArts.0106",
  /** A resource with no group-specific "not found" code. */
  notFound: "ModelArts.0104",
  /** A conflicting state or name. */
  conflict: "ModelArts.0105",
  /** The agent or registry that must answer did not. */
  unavailable: "ModelArts.0107",
  /** The `{project_id}` in the path is not this hub's IAM project. */
  projectMismatch: "ModelArts.0210",
  /** A documented operation that needs Huawei's cloud itself. */
  unsupported: "ModelArts.0108",
  /** No such route (APIG's answer for an unpublished API). */
  noRoute: "APIG.0101",
} as const;

/**
 * Group-specific codes for core "not found" errors, by the core resource name (NotFoundError's
 * `resource`): a group adds its line here (e.g. notebook -> 400 ModelArts.6309).
 */
export const NOT_FOUND_CODES: Readonly<Record<string, { status: number; code: string }>> = {
  workspace: { status: 400, code: "ModelArts.7005" },
  notebook: { status: 400, code: "ModelArts.6309" },
  "training job": { status: 400, code: "ModelArts.2775" },
  // An algorithm (core job template) or a job's task: business errors, 400 like ModelArts's.
  "job template": { status: 400, code: "ModelArts.0104" },
  "training task": { status: 400, code: "ModelArts.0104" },
};

/** The documented error of an operation Corral cannot do without Huawei's cloud (HTTP 400). */
export const unsupported = (what: string, why: string): ModelArtsError =>
  new ModelArtsError(400, GENERIC.unsupported, `${what} is not supported by this hub: ${why}`);

export const modelartsErrors: ErrorRenderer = {
  status: { unavailable: 503 },
  core(err: CorralError) {
    if (err instanceof ValidationError)
      return errorBody(GENERIC.invalid, `invalid ${err.field}: ${err.reason}`);
    const code =
      err instanceof NotFoundError
        ? GENERIC.notFound
        : err instanceof ConflictError
          ? GENERIC.conflict
          : err.kind === "unauthenticated"
            ? GENERIC.unauthenticated
            : err.kind === "forbidden"
              ? GENERIC.forbidden
              : err.kind === "unavailable"
                ? GENERIC.unavailable
                : GENERIC.invalid;
    return errorBody(code, err.message);
  },
  request: (status, message) => ({
    status,
    body: errorBody(status === 413 ? "ModelArts.0109" : GENERIC.invalid, message),
  }),
  internal: (requestId) => errorBody("ModelArts.0000", `internal error, request id ${requestId}`),
  own(err: unknown): ErrorAnswer | null {
    if (err instanceof ModelArtsError)
      return { status: err.status, body: errorBody(err.code, err.message, err.solution) };
    if (err instanceof NotFoundError) {
      const own = Object.hasOwn(NOT_FOUND_CODES, err.resource) ? NOT_FOUND_CODES[err.resource] : undefined;
      if (own) return { status: own.status, body: errorBody(own.code, err.message) };
    }
    return null;
  },
};
