import type Router from "@koa/router";
import type { Core } from "../../core";
import type { Cluster, Node } from "../../core/model";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { presentNode } from "./pool-node-presenter";
import { findNodePool, findPool } from "./pool-lookup";
import { NodeListQuery } from "./pool-node-schemas";
import { poolNodeBatchRoutes } from "./pool-node-batch-routes";
import { nodeNotFound } from "./pool-node-errors";

/** The SDK's default and largest page (ListPoolNodes: limit 0-500, default 500). */
export const NODE_PAGE = 500;

/** `continue` is the name of the last node of the previous page, opaque to clients. */
const encode = (name: string): string => Buffer.from(name, "utf8").toString("base64url");
const decode = (token: string): string => Buffer.from(token, "base64url").toString("utf8");

/** The nodes of a resource pool (core cluster) in its node pool order, by name. */
export function presentNodes(core: Core, pool: Cluster, nodes: readonly Node[], region: string) {
  const pools = core.nodePools.list();
  const used = core.nodes.allocations();
  return nodes.map((n) =>
    presentNode(n, { pool, nodePool: core.nodePools.poolOf(n, pools), used: used.get(n.id), az: region }),
  );
}

/**
 * Nodes of a resource pool (`/v2/{project_id}/pools/{pool}/nodes`, a Corral cluster's nodes): list
 * with Kubernetes-style `limit`/`continue` paging, one node, a node pool's nodes; the batch
 * operations are in pool-node-batch-routes.ts.
 */
export function poolNodeRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, config } = deps;
  const base = "/v2/:project_id/pools/:pool_name";

  const list = (pool: Cluster, nodes: Node[], q: { limit?: number; continue?: string }) => {
    const limit = q.limit === undefined || q.limit === 0 ? NODE_PAGE : q.limit;
    const after = q.continue ? decode(q.continue) : null;
    const rest = after === null ? nodes : nodes.filter((n) => n.name > after);
    const page = rest.slice(0, limit);
    const remaining = rest.length - page.length;
    const last = page.at(-1);
    return {
      kind: "NodeList",
      apiVersion: "v2",
      metadata: { continue: remaining > 0 && last ? encode(last.name) : "", remainingItemCount: remaining },
      items: presentNodes(core, pool, page, config.modelartsRegion),
    };
  };
  const byName = (a: Node, b: Node) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  router.get(`${base}/nodes`, deps.auth, validate(NodeListQuery, "query"), (ctx) => {
    const pool = findPool(core, String(ctx.params.pool_name));
    ctx.body = list(pool, core.nodes.list({ clusterId: pool.id }).sort(byName), input(ctx, NodeListQuery));
  });

  router.get(`${base}/nodepools/:nodepool_name/nodes`, deps.auth, validate(NodeListQuery, "query"), (ctx) => {
    const pool = findPool(core, String(ctx.params.pool_name));
    const nodePool = findNodePool(core, pool, String(ctx.params.nodepool_name));
    const pools = core.nodePools.list();
    const members = core.nodes
      .list({ clusterId: pool.id })
      .filter((n) => core.nodePools.poolOf(n, pools).id === nodePool.id)
      .sort(byName);
    ctx.body = list(pool, members, input(ctx, NodeListQuery));
  });

  poolNodeBatchRoutes(router, deps);

  router.get(`${base}/nodes/:node_name`, deps.auth, (ctx) => {
    const pool = findPool(core, String(ctx.params.pool_name));
    const name = String(ctx.params.node_name);
    const node = core.nodes.list({ clusterId: pool.id }).find((n) => n.name === name);
    if (!node) throw nodeNotFound(name, pool);
    ctx.body = presentNodes(core, pool, [node], config.modelartsRegion)[0];
  });
}
