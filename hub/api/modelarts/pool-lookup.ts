import type { Core } from "../../core";
import type { Cluster, Node, NodePool } from "../../core/model";
import { ModelArtsError } from "./errors";

/**
 * Resource pool codes of ModelArts's node and pool APIs (BatchDeletePoolNodes, BatchDrainPoolNodes,
 * ShowNodePool examples): 404 `pool not found`, and 400 for a request the pool cannot take.
 */
export const POOL_CODES = {
  notFound: "ModelArts.50015001",
  badRequest: "ModelArts.50004000",
} as const;

/** A resource pool is a Corral cluster: `/pools/{pool_name}` names the cluster (core.clusters). */
export function findPool(core: Core, name: string): Cluster {
  const cluster = core.clusters.list().find((c) => c.name === name);
  if (!cluster) throw new ModelArtsError(404, POOL_CODES.notFound, `pool not found: ${name}`);
  return cluster;
}

/** A node pool of the resource pool: a core node pool (a label selector) by name. */
export function findNodePool(core: Core, name: string): NodePool {
  const pool = core.nodePools.list().find((p) => p.name === name);
  if (!pool)
    throw new ModelArtsError(400, POOL_CODES.badRequest, `Bad request. invalid nodepool name: ${name}`);
  return pool;
}

/** The pool's node named `name`, if it has one (removed nodes are no member). */
export const poolNode = (core: Core, pool: Cluster, name: string): Node | undefined =>
  core.nodes.list({ clusterId: pool.id }).find((n) => n.name === name);
