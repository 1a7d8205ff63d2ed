import type Router from "@koa/router";
import type { ApiState } from "../context";
import { adminOnly } from "../middleware/authorize";
import { compose } from "../middleware/compose";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { POOL_ERRORS, poolErrors } from "./pool-errors";
import { findNodePool, findPool, nodePoolsOf, poolNodes } from "./pool-model";
import { presentNodePool } from "./pool-presenter";
import { applyResource } from "./pool-routes";
import { CreateNodePoolBody, NodePoolParams, PatchNodePoolBody, PoolParams } from "./pool-schemas";

/**
 * Node pools of a resource pool (`/v2/{project_id}/pools/{pool_name}/nodepools`): core node pools
 * that size the pool's cluster. A node joins one by carrying the label the answer names
 * (`os.modelarts.node/nodepool=<core name>`). Their nodes are served by the nodes routes.
 */
export function nodePoolRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  const auth = compose([poolErrors(), deps.auth]);
  const admin = compose([auth, adminOnly(core.authz)]);
  const base = "/v2/:project_id/pools/:pool_name/nodepools";
  const one = validate(NodePoolParams, "params");

  const resolve = (p: { pool_name: string; nodepool_name: string }) => {
    const cluster = findPool(core, p.pool_name);
    const pool = findNodePool(core, cluster, p.nodepool_name);
    if (!pool)
      throw new ModelArtsError(
        404,
        POOL_ERRORS.notFound,
        `NodePool ${p.nodepool_name} not found in pool ${p.pool_name}.`,
      );
    return { cluster, pool };
  };

  router.get(base, auth, validate(PoolParams, "params"), (ctx) => {
    const cluster = findPool(core, input(ctx, PoolParams).pool_name);
    ctx.body = {
      apiVersion: "v2",
      kind: "NodePoolList",
      items: nodePoolsOf(core, cluster).map((p) => presentNodePool(core, cluster, p)),
    };
  });

  router.post(base, admin, validate(PoolParams, "params"), validate(CreateNodePoolBody), (ctx) => {
    const cluster = findPool(core, input(ctx, PoolParams).pool_name);
    const body = input(ctx, CreateNodePoolBody);
    if (findNodePool(core, cluster, body.metadata.name))
      throw new ModelArtsError(409, POOL_ERRORS.exists, `NodePool ${body.metadata.name} already exists.`);
    const pool = applyResource(core, cluster, body.metadata.name, body.spec.resources);
    ctx.body = presentNodePool(core, cluster, pool);
  });

  router.get(`${base}/:nodepool_name`, auth, one, (ctx) => {
    const { cluster, pool } = resolve(input(ctx, NodePoolParams));
    ctx.body = presentNodePool(core, cluster, pool);
  });

  router.patch(`${base}/:nodepool_name`, admin, one, validate(PatchNodePoolBody), (ctx) => {
    const p = input(ctx, NodePoolParams);
    const { cluster } = resolve(p);
    const r = input(ctx, PatchNodePoolBody).spec?.resources ?? {};
    ctx.body = presentNodePool(core, cluster, applyResource(core, cluster, p.nodepool_name, r));
  });

  router.delete(`${base}/:nodepool_name`, admin, one, (ctx) => {
    const { cluster, pool } = resolve(input(ctx, NodePoolParams));
    const held = poolNodes(core, cluster).filter((n) => n.pool?.id === pool.id).length;
    if (held > 0)
      throw new ModelArtsError(
        409,
        POOL_ERRORS.busy,
        `NodePool ${ctx.params.nodepool_name} has ${held} node(s); remove them first`,
      );
    const shown = presentNodePool(core, cluster, pool);
    core.nodePools.remove(pool);
    ctx.body = shown;
  });
}
