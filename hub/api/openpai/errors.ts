import { type CorralError, NotFoundError, ValidationError } from "../../core/errors";
import type { ErrorAnswer, ErrorRenderer } from "../middleware/errors";

/**
 * An OpenPAI error: the rest-server's `{code, message}` body with its HTTP status. Codes and
 * statuses follow docs/compat/openpai.md §2 (utils/error.d.ts of microsoft/pai).
 */
export class PaiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "PaiError";
  }
}

export const guest = () =>
  new PaiError(401, "UnauthorizedUserError", "Guest is not allowed to do this operation.");
export const badToken = () => new PaiError(401, "UnauthorizedUserError", "Your token is invalid.");
export const forbidden = (message: string) => new PaiError(403, "ForbiddenUserError", message);
export const invalidParameters = (message: string) => new PaiError(400, "InvalidParametersError", message);
export const invalidProtocol = (message: string) => new PaiError(400, "InvalidProtocolError", message);
/** GET and login answer 400 for an unknown user; updates answer 404 (docs/compat/openpai.md §2). */
export const noUser = (username: string, status: 400 | 404) =>
  new PaiError(status, "NoUserError", `User ${username} is not found.`);
export const noGroup = (group: string, status: 400 | 404) =>
  new PaiError(status, "NoGroupError", `Group ${group} is not found.`);
export const noVc = (vc: string, status: 400 | 404) =>
  new PaiError(status, "NoVirtualClusterError", `Virtual cluster ${vc} is not found.`);
export const noJob = (fw: string) => new PaiError(404, "NoJobError", `Job ${fw} is not found.`);

/** Core errors in OpenPAI words, by class; a NotFoundError's resource picks the code. */
export function fromCore(err: CorralError): PaiError {
  if (err instanceof ValidationError) return invalidParameters(err.message);
  if (err instanceof NotFoundError) {
    if (err.resource === "user") return noUser(err.key, 404);
    if (err.resource === "group") return noGroup(err.key, 404);
    if (err.resource === "workload") return noJob(err.key);
    if (err.resource === "task" || err.resource === "task logs")
      return new PaiError(404, "NoTaskLogError", `Log of task ${err.key} is not found.`);
    return new PaiError(404, "NoApiError", err.message);
  }
  switch (err.kind) {
    case "unauthenticated":
      return badToken();
    case "forbidden":
      return forbidden(err.message);
    case "conflict":
      return new PaiError(409, "ConflictError", err.message);
    case "unavailable":
      return new PaiError(502, "UnknownError", err.message);
    case "rate_limited":
      return new PaiError(429, "TooManyRequestsError", err.message);
    default:
      return invalidParameters(err.message);
  }
}

/** The surface's errors: every answer is `{code, message}`; 500s name the request id. */
export const paiErrors: ErrorRenderer = {
  own: (err) => (err instanceof PaiError ? answer(err) : null),
  // fromCore keeps the factory's status for every kind (a unit test holds it).
  core: (err) => answer(fromCore(err)).body,
  request: (status, message) =>
    answer(new PaiError(status, status === 429 ? "TooManyRequestsError" : "InvalidParametersError", message)),
  internal: (requestId) => ({ code: "UnknownError", message: `internal error (request ${requestId})` }),
};

const answer = (err: PaiError): ErrorAnswer => ({
  status: err.status,
  body: { code: err.code, message: err.message },
});
