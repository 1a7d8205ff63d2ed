import { randomUUID } from "node:crypto";
import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import type { Core } from "../../core";
import type { Principal } from "../../core/auth";
import { withLabel, withoutLabel } from "../../core/labels";
import type { Cluster, Node } from "../../core/model";
import type { ApiMiddleware, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, unsupported } from "./errors";
import { POOL_ERRORS } from "./pool-errors";
import { findNodePool, findPool, poolNode } from "./pool-lookup";
import { notInPool } from "./pool-node-errors";
import { NODE_LABELS } from "./pool-node-presenter";
import {
  BindBody,
  DeleteBody,
  DrainBody,
  LockBody,
  MigrateBody,
  NodeNamesBody,
  UpdateBody,
} from "./pool-node-schemas";

/** The taint HA redundancy puts on a node (openHaRedundant; the SDK's haRedundantEffect). */
export const HA_TAINT_KEY = "os.modelarts.node/ha.redundant";

/** Only the account's administrators change nodes (before the body is read: 403, not 400). */
const adminOnly: ApiMiddleware = async function adminOnly(ctx, next) {
  if (!(ctx.state.principal as Principal).user.admin)
    throw new ModelArtsError(403, GENERIC.forbidden, "only the account's administrators manage pool nodes");
  await next();
};

/** The named nodes of the pool, and the names it has no node for. */
function resolve(core: Core, pool: Cluster, names: readonly string[]): { nodes: Node[]; missing: string[] } {
  const nodes: Node[] = [];
  const missing: string[] = [];
  for (const name of new Set(names)) {
    const n = poolNode(core, pool, name);
    if (n) nodes.push(n);
    else missing.push(name);
  }
  return { nodes, missing };
}

/** A label `key=value` (bare `key` for an empty value); labels with that key are replaced. */
function setLabel(labels: readonly string[], key: string, value: string): string[] {
  const kept = labels.filter((l) => l !== key && !l.startsWith(`${key}=`));
  return withLabel(kept, value === "" ? key : `${key}=${value}`);
}
const dropLabel = (labels: readonly string[], key: string): string[] =>
  labels.filter((l) => l !== key && !l.startsWith(`${key}=`));

/**
 * Batch operations on a pool's nodes, over the core: lock/unlock (cordon), drain (evict, the agent
 * is sent `Drain`), delete (drain and revoke the node's credential), update (resource tags are node
 * labels; HA redundancy is a label plus a taint the scheduler honours), migrate (to another node
 * pool of the pool, by its label selector), bind (a logical sub-pool label). Reboot, reset and
 * resize need Huawei's cloud: not supported.
 */
export function poolNodeBatchRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core } = deps;
  const nodes = "/v2/:project_id/pools/:pool_name/nodes";
  const guard = [deps.auth, adminOnly];
  const pool = (ctx: { params: Record<string, string> }) => findPool(core, String(ctx.params.pool_name));
  const relabel = (node: Node, labels: string[]): Node => {
    let n = node;
    for (const l of n.labels.filter((x) => !labels.includes(x))) n = core.nodes.removeLabel(n, l);
    for (const l of labels.filter((x) => !n.labels.includes(x))) n = core.nodes.addLabel(n, l);
    return n;
  };

  const lock = (schedulable: boolean) => (ctx: RouterContext<ApiState>) => {
    const p = pool(ctx);
    const b = input(ctx, LockBody);
    const results = [...new Set(b.nodeNames)].map((name) => {
      const node = poolNode(core, p, name);
      if (node) core.nodes.setSchedulable(node, schedulable);
      return { name, status: node ? "success" : "failed" };
    });
    ctx.body = { nodes: results };
  };
  router.post(`${nodes}/batch-lock`, ...guard, validate(LockBody), lock(false));
  router.post(`${nodes}/batch-unlock`, ...guard, validate(LockBody), lock(true));

  router.post(`${nodes}/batch-drain`, ...guard, validate(DrainBody), (ctx) => {
    const p = pool(ctx);
    const { nodes: found, missing } = resolve(core, p, input(ctx, DrainBody).nodeNames);
    if (missing.length > 0) throw notInPool("drained", missing, p);
    for (const n of found) core.drains.drain(n, `drained through ModelArts (pool ${p.name})`);
    ctx.body = {};
  });

  router.post(`${nodes}/batch-delete`, ...guard, validate(DeleteBody), (ctx) => {
    const p = pool(ctx);
    const { nodes: found, missing } = resolve(core, p, input(ctx, DeleteBody).deleteNodeNames);
    if (missing.length > 0) throw notInPool("deleted", missing, p);
    if (found.length >= core.nodes.list({ clusterId: p.id }).length)
      throw new ModelArtsError(
        400,
        POOL_ERRORS.badRequest,
        `Bad request. at least one node must be reserved in the resource pool ${p.name}`,
      );
    for (const n of found) core.nodeRemovals.remove(n, `deleted through ModelArts (pool ${p.name})`);
    ctx.body = {};
  });

  router.post(`${nodes}/batch-update`, ...guard, validate(UpdateBody), (ctx) => {
    const p = pool(ctx);
    const b = input(ctx, UpdateBody);
    if (b.driver)
      throw unsupported("updating node drivers", "GPU drivers are installed on the host, not by the hub");
    if ((b.action === "createTags" || b.action === "deleteTags") && !b.tags?.length)
      throw new ModelArtsError(400, GENERIC.invalid, `invalid tags: required for ${b.action}`);
    const { nodes: found, missing } = resolve(core, p, b.nodeNames);
    for (const node of found) {
      switch (b.action) {
        case "createTags": {
          let labels = node.labels;
          for (const t of b.tags ?? []) labels = setLabel(labels, t.key, t.value);
          relabel(node, labels);
          break;
        }
        case "deleteTags": {
          let labels = node.labels;
          for (const t of b.tags ?? [])
            labels = t.value ? withoutLabel(labels, `${t.key}=${t.value}`) : dropLabel(labels, t.key);
          relabel(node, labels);
          break;
        }
        case "openHaRedundant": {
          const n = relabel(node, setLabel(node.labels, NODE_LABELS.haRedundant, "true"));
          // The SDK's default effect is NoSchedule; one HA taint per node.
          const kept = (n.taints ?? []).filter((t) => t.key !== HA_TAINT_KEY);
          core.nodeTaints.set(n, [
            ...kept,
            { key: HA_TAINT_KEY, value: "true", effect: b.haRedundantEffect ?? "NoSchedule" },
          ]);
          break;
        }
        case "closeHaRedundant":
          core.nodeTaints.remove(
            relabel(node, dropLabel(node.labels, NODE_LABELS.haRedundant)),
            HA_TAINT_KEY,
          );
          break;
      }
    }
    ctx.body = { successNodeNames: found.map((n) => n.name), failNodeNames: missing };
  });

  router.post(`${nodes}/batch-migrate`, ...guard, validate(MigrateBody), (ctx) => {
    const p = pool(ctx);
    const b = input(ctx, MigrateBody);
    for (const other of [b.toPoolName, b.toClusterName, b.fromClusterName]) {
      if (other !== undefined && other !== "" && other !== p.name)
        throw unsupported(
          "migrating nodes to another resource pool",
          "a node belongs to the cluster its agent joined; join it again with a join token of the other pool",
        );
    }
    if (!b.resourceSpec?.nodePool)
      throw new ModelArtsError(
        400,
        GENERIC.invalid,
        "invalid resourceSpec.nodePool: the target node pool is required",
      );
    const target = findNodePool(core, p, b.resourceSpec.nodePool);
    const { nodes: found, missing } = resolve(core, p, b.migrateNodeNames);
    if (missing.length > 0) throw notInPool("migrated", missing, p);
    const pools = core.nodePools.list();
    for (const node of found) {
      // Leave every other pool whose selector the node carries, then carry the target's selector.
      let labels = [...node.labels];
      for (const other of pools) {
        if (other.id === target.id) continue;
        if (other.labelSelector.length > 0 && other.labelSelector.every((l) => labels.includes(l)))
          labels = labels.filter((l) => !other.labelSelector.includes(l) || target.labelSelector.includes(l));
      }
      for (const l of target.labelSelector) labels = withLabel(labels, l);
      const moved = relabel(node, labels);
      if (core.nodePools.poolOf(moved).id !== target.id)
        throw new ModelArtsError(
          400,
          POOL_ERRORS.badRequest,
          `Bad request. node ${node.name} still matches node pool ${core.nodePools.poolOf(moved).name} after taking ${target.name}'s labels`,
        );
    }
    // Done at once; the id names this migration as the SDK's response does.
    ctx.body = { job_id: randomUUID() };
  });

  router.post(`${nodes}/batch-bind`, ...guard, validate(BindBody), (ctx) => {
    const p = pool(ctx);
    const b = input(ctx, BindBody);
    const { missing } = resolve(
      core,
      p,
      b.nodes.map((n) => n.name),
    );
    if (missing.length > 0) throw notInPool("bound", missing, p);
    for (const item of b.nodes) {
      const node = poolNode(core, p, item.name) as Node;
      const labels = item.quotaName
        ? setLabel(node.labels, NODE_LABELS.elasticQuota, item.quotaName)
        : dropLabel(node.labels, NODE_LABELS.elasticQuota);
      const bound = relabel(node, labels);
      if (b.drain) core.drains.drain(bound, `re-bound through ModelArts (pool ${p.name})`);
    }
    ctx.body = {};
  });

  router.post(`${nodes}/batch-reboot`, ...guard, validate(NodeNamesBody), (ctx) => {
    pool(ctx);
    throw unsupported(
      "rebooting nodes",
      "the Corral agent does not restart its host; reboot it and its agent rejoins",
    );
  });
  router.post(`${nodes}/batch-reset`, ...guard, validate(NodeNamesBody), (ctx) => {
    pool(ctx);
    throw unsupported("resetting nodes", "reinstalling a node's OS needs Huawei's cloud");
  });
  router.post(`${nodes}/batch-resize`, ...guard, validate(NodeNamesBody), (ctx) => {
    pool(ctx);
    throw unsupported(
      "changing node flavors",
      "a node's hardware is what its host has; resizing needs Huawei's cloud",
    );
  });
}
