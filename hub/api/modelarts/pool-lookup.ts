import type { Core } from "../../core";
import type { Cluster, Node, NodePool } from "../../core/model";
import { ModelArtsError } from "./errors";
import { POOL_ERRORS } from "./pool-errors";
import { findNodePool as findOwnNodePool } from "./pool-model";

/** A resource pool is a Corral cluster: `/pools/{pool_name}` names the cluster (pool-model.ts). */
export { findPool } from "./pool-model";

/**
 * A node pool of the resource pool by its ModelArts name (pool-model.ts: core name
 * `<pool>-<name>`), or by its core name a core node pool of that cluster or of none (the native
 * API's node pools, `default` among them, span clusters).
 */
export function findNodePool(core: Core, pool: Cluster, name: string): NodePool {
  const found =
    findOwnNodePool(core, pool, name) ??
    core.nodePools
      .list()
      .find((p) => p.name === name && ((p.clusterId ?? null) === null || p.clusterId === pool.id));
  if (!found)
    throw new ModelArtsError(400, POOL_ERRORS.badRequest, `Bad request. invalid nodepool name: ${name}`);
  return found;
}

/** The pool's node named `name`, if it has one (removed nodes are no member). */
export const poolNode = (core: Core, pool: Cluster, name: string): Node | undefined =>
  core.nodes.list({ clusterId: pool.id }).find((n) => n.name === name);
