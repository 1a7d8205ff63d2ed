import type { Cluster } from "../../core/model";
import { GENERIC, ModelArtsError } from "./errors";
import { POOL_ERRORS } from "./pool-errors";

/** ShowPoolNode of a node the pool does not have: 404. */
export const nodeNotFound = (name: string, pool: Cluster): ModelArtsError =>
  new ModelArtsError(404, GENERIC.notFound, `node ${name} not found in pool ${pool.name}`);

/** A batch operation naming a node the pool does not have (BatchDrainPoolNodes' 400). */
export const notInPool = (verb: string, names: readonly string[], pool: Cluster): ModelArtsError =>
  new ModelArtsError(
    400,
    POOL_ERRORS.badRequest,
    `Bad request. node cannot be ${verb} because it is not in pool ${pool.name}: ${names.join(", ")}`,
  );
