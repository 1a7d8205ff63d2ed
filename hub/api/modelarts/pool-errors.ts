import { ClusterInUseError } from "../../core/clusters";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors";
import type { ApiMiddleware } from "../context";
import { ModelArtsError } from "./errors";

/**
 * Codes of the pool APIs (8 digits, Kubernetes-style statuses: 400/404/409). Bad request, pool not
 * found and pool exists are the documents' own; `busy` (a pool that still runs work or holds nodes)
 * is ours, in the same family (docs/compat/modelarts.md).
 */
export const POOL_ERRORS = {
  badRequest: "ModelArts.50004000",
  notFound: "ModelArts.50015001",
  exists: "ModelArts.50015000",
  busy: "ModelArts.50015002",
} as const;

export const poolNotFound = (name: string): ModelArtsError =>
  new ModelArtsError(404, POOL_ERRORS.notFound, `Pool ${name} not found.`);

/**
 * Turns core errors met by a pool route into the pool APIs' own: a bad field is 400 50004000 with
 * the field, a missing object 404, a conflict 409 (busy when a pool is still in use).
 */
export function poolErrors(): ApiMiddleware {
  return async function poolErrors(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (err instanceof ValidationError)
        throw new ModelArtsError(
          400,
          POOL_ERRORS.badRequest,
          `Bad request. invalid ${err.field}: ${err.reason}`,
        );
      if (err instanceof ClusterInUseError) throw new ModelArtsError(409, POOL_ERRORS.busy, err.message);
      if (err instanceof ConflictError) throw new ModelArtsError(409, POOL_ERRORS.exists, err.message);
      if (err instanceof NotFoundError)
        throw new ModelArtsError(404, POOL_ERRORS.notFound, `${err.resource} ${err.key} not found.`);
      throw err;
    }
  };
}
