import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { Node } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { answerCached, CachedBody } from "../middleware/cached-body";
import { input, validate } from "../middleware/validate";
import { type NodeJson, NodeJsonCache } from "./node-json";
import { NodeListBodies } from "./node-list-body";
import { continueToken } from "./page";
import { type presentNode, presentNodeMetrics } from "./presenters";
import {
  ClusterQuery,
  LabelBody,
  NODE_LIST,
  NodeLabelParams,
  NodeListQuery,
  NodeMetricsQuery,
  NodeParams,
} from "./schemas";

/** PUT /nodes/:node/taints: [{key, value, effect NoSchedule|PreferNoSchedule|NoExecute}] (core/taints.ts checks). */
const TaintsBody = z.object({ taints: z.array(z.unknown()).max(64, "at most 64 taints") });

export function nodeRoutes(router: Router<ApiState>, core: Core): void {
  const cache = new NodeJsonCache();
  const listBodies = new NodeListBodies();
  /** Cluster names by id, read once per request (not once per node). */
  const clusterNames = () => {
    const names = new Map(core.clusters.list().map((c) => [c.id, c.name]));
    return (id: string) => names.get(id) ?? id;
  };
  /** The nodes' JSON texts (and their tags), from the cache; allocations come from core's ledger. */
  const texts = (nodes: Node[]): NodeJson[] => {
    const clusterName = clusterNames();
    return nodes.map((n) =>
      cache.get(n, clusterName(n.clusterId), core.allocations.versionOf(n.id), () => {
        const u = core.nodes.allocationOf(n.id);
        return { cpuMilli: u.cpuMilli, memoryMiB: u.memoryMiB, gpu: u.gpus.size };
      }),
    );
  };
  const present = (nodes: Node[]) =>
    texts(nodes).map((t) => JSON.parse(t.json) as ReturnType<typeof presentNode>);
  const one = (n: Node) => present([n])[0];
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];

  // `limit` + `continue` page the list (page.ts); without `limit`, every node from the position on.
  router.get("/nodes", auth, validate(NodeListQuery, "query"), (ctx) => {
    const q = input(ctx, NodeListQuery);
    const clusterId = q.cluster === undefined ? undefined : core.clusters.get(q.cluster).id;
    const key = JSON.stringify([clusterId ?? null, q.continue ?? null, q.limit ?? null]);
    // What a list shows is the nodes and their allocations (cluster names never change): while
    // neither core version moved, the body made last is still right, and no node is looked at.
    const stamp = `${core.nodes.version} ${core.allocations.version}`;
    const current = listBodies.current(key, stamp);
    if (current) return answerCached(ctx, current);
    const page = core.nodes.listAfter(q.continue ?? null, q.limit ?? Number.MAX_SAFE_INTEGER, { clusterId });
    const last = page.items[page.items.length - 1];
    const token =
      page.more && last ? continueToken(NODE_LIST, { name: last.name, clusterId: last.clusterId }) : null;
    // The body is assembled from each node's cached JSON text (the same bytes as JSON.stringify)
    // and kept as bytes per filter until one of its nodes changes; ETag, 304 and gzip: cached-body.ts.
    answerCached(ctx, listBodies.body(key, texts(page.items), token, stamp));
  });
  const nodeParams = validate(NodeParams, "params");
  const inCluster = validate(ClusterQuery, "query");
  /** The node the path names, in the cluster the query names (any cluster when none). */
  const node = (ctx: ApiContext) =>
    core.nodes.get(input(ctx, NodeParams).node, input(ctx, ClusterQuery).cluster);
  // The node's cached JSON text as it is, with its tag as ETag (If-None-Match: 304).
  router.get("/nodes/:node", auth, nodeParams, inCluster, (ctx) => {
    const [text] = texts([node(ctx)]) as [NodeJson];
    answerCached(ctx, new CachedBody(Buffer.from(text.json), text.tag));
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
