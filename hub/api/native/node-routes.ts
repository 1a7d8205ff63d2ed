import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { Node } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { presentNode, presentNodeMetrics } from "./presenters";
import { ClusterQuery, LabelBody, NodeLabelParams, NodeMetricsQuery, NodeParams } from "./schemas";

/** PUT /nodes/:node/taints: [{key, value, effect NoSchedule|PreferNoSchedule|NoExecute}] (core/taints.ts checks). */
const TaintsBody = z.object({ taints: z.array(z.unknown()).max(64, "at most 64 taints") });

export function nodeRoutes(router: Router<ApiState>, core: Core): void {
  const present = (nodes: Node[]) => {
    const used = core.nodes.allocations();
    return nodes.map((n) => {
      const u = used.get(n.id);
      return presentNode(n, core.clusters.byId(n.clusterId)?.name ?? n.clusterId, {
        cpuMilli: u?.cpuMilli ?? 0,
        memoryMiB: u?.memoryMiB ?? 0,
        gpu: u?.gpus.size ?? 0,
      });
    });
  };
  const one = (n: Node) => present([n])[0];
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];

  router.get("/nodes", auth, validate(ClusterQuery, "query"), (ctx) => {
    const { cluster } = input(ctx, ClusterQuery);
    const clusterId = cluster === undefined ? undefined : core.clusters.get(cluster).id;
    ctx.body = { items: present(core.nodes.list({ clusterId })) };
  });
  const nodeParams = validate(NodeParams, "params");
  const inCluster = validate(ClusterQuery, "query");
  /** The node the path names, in the cluster the query names (any cluster when none). */
  const node = (ctx: ApiContext) =>
    core.nodes.get(input(ctx, NodeParams).node, input(ctx, ClusterQuery).cluster);
  router.get("/nodes/:node", auth, nodeParams, inCluster, (ctx) => {
    ctx.body = one(node(ctx));
  });
  // GPU utilisation / temperature charts: the node's stored samples (CORRAL_METRICS_SAMPLE_MS apart).
  router.get("/nodes/:node/metrics", auth, nodeParams, validate(NodeMetricsQuery, "query"), (ctx) => {
    const q = input(ctx, NodeMetricsQuery);
    const n = core.nodes.get(input(ctx, NodeParams).node, q.cluster);
    ctx.body = { items: core.nodes.metricsHistory(n, { from: q.from, to: q.to }).map(presentNodeMetrics) };
  });
  router.post("/nodes/:node/labels", ...admin, nodeParams, inCluster, validate(LabelBody), (ctx) => {
    ctx.body = one(core.nodes.addLabel(node(ctx), input(ctx, LabelBody).label));
  });
  const labelParams = validate(NodeLabelParams, "params");
  router.delete("/nodes/:node/labels/:label", ...admin, labelParams, inCluster, (ctx) => {
    const p = input(ctx, NodeLabelParams);
    ctx.body = one(core.nodes.removeLabel(core.nodes.get(p.node, input(ctx, ClusterQuery).cluster), p.label));
  });
  router.post("/nodes/:node/cordon", ...admin, nodeParams, inCluster, (ctx) => {
    ctx.body = one(core.nodes.setSchedulable(node(ctx), false));
  });
  // Cordons the node and moves its tasks elsewhere (each restarts on another node as its next attempt).
  router.post("/nodes/:node/drain", ...admin, nodeParams, inCluster, (ctx) => {
    const result = core.drains.drain(node(ctx));
    ctx.body = { ...one(result.node), evicted: result.evicted, pinned: result.pinned };
  });
  // Revokes the node's credential and lets the next join with a valid token take the node over once.
  router.post("/nodes/:node/replace", ...admin, nodeParams, inCluster, (ctx) => {
    ctx.body = one(core.nodes.replace(node(ctx)));
  });
  // Replaces the node's taints; a NoExecute taint evicts the running tasks that do not tolerate it.
  router.put("/nodes/:node/taints", ...admin, nodeParams, inCluster, validate(TaintsBody), (ctx) => {
    const result = core.nodeTaints.set(node(ctx), input(ctx, TaintsBody).taints);
    ctx.body = { ...one(result.node), evicted: result.evicted };
  });
  router.post("/nodes/:node/uncordon", ...admin, nodeParams, inCluster, (ctx) => {
    ctx.body = one(core.nodes.setSchedulable(node(ctx), true));
  });
}
