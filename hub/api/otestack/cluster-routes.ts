import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError, NotFoundError } from "../../core/errors";
import type { Cluster, Node } from "../../core/model";
import { clusterMatches, eligible } from "../../core/services/targets";
import type { ApiContext, ApiState } from "../context";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { deleteBody, ok, okPage, unix } from "./envelope";
import { oteAuth } from "./identity";
import { selectorOf } from "./selectors";
import {
  ClusterLabelBody,
  ClusterLabelsQuery,
  ClusterListQuery,
  NodeLabelBody,
  NodeLabelQuery,
  NodeListQuery,
} from "./schemas";

const MIB = 1024 * 1024;

/** A node's OTE view, from the agent's real inventory. Units (the document's): memory and disk bytes, cpu cores. */
function presentNode(n: Node, clusterName: string): Record<string, unknown> {
  const hw = n.hardware;
  const nic = hw?.nics.find((x) => !x.virtual && x.addresses.length > 0);
  return {
    nodeName: n.name,
    clusterName,
    labels: n.labels,
    isReady: eligible(n),
    status: n.status,
    operatingSystem: hw ? `${hw.os.distro} ${hw.os.release}`.trim() : "",
    kernelVersion: hw?.os.kernel ?? "",
    architecture: hw?.os.arch ?? "",
    ip: nic?.addresses[0] ?? n.address,
    cpu: hw?.cpu.cores ?? 0,
    memory: (hw?.memory.totalMiB ?? 0) * MIB,
    gpu: hw?.gpus.filter((g) => !g.migEnabled).length ?? 0,
    disk: (hw?.disks.reduce((sum, d) => sum + d.sizeMiB, 0) ?? 0) * MIB,
    agentVersion: n.agentVersion,
    createTime: unix(n.createdAt),
  };
}

const ALWAYS = ["nodeName", "clusterName"];

/** The document answers a label change with the envelope alone; the older form with the cluster's labels. */
function labelledAnswer(ctx: ApiContext, documented: boolean, clusters: Cluster[]): void {
  const [first] = clusters;
  if (documented || !first) ok(ctx);
  else ok(ctx, { clusterName: first.name, labels: first.labels });
}

export function clusterRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  // Cluster and node labels are the hub's shared estate: the global admin's (core system.write).
  const admin = [auth, adminOnly(core.authz)];
  const clusterName = (id: string) => core.clusters.byId(id)?.name ?? id;

  router.get("/cluster", auth, validate(ClusterListQuery, "query"), (ctx) => {
    const q = input(ctx, ClusterListQuery);
    const nodes = core.nodes.list();
    const items = core.clusters
      .list()
      .filter((c) => clusterMatches(c, selectorOf(q.clusterLabel)))
      .map((c) => {
        const mine = nodes.filter((n) => n.clusterId === c.id);
        return {
          clusterName: c.name,
          labels: c.labels,
          nodeCount: mine.length,
          isReady: mine.some((n) => n.status === "ready"),
          createTime: unix(c.createdAt),
        };
      });
    okPage(ctx, items, q.page, q.pageSize);
  });
  // The document: every label in use, as plain strings.
  router.get("/cluster/label", auth, (ctx) => {
    const labels = [...new Set(core.clusters.list().flatMap((c) => c.labels))].sort();
    ok(ctx, labels, { total: labels.length });
  });
  /**
   * The labels of one cluster, paged (pageSize 0: all). Labels are plain strings in core, so a
   * label's createTime is its cluster's (README: OTE-stack compatibility).
   */
  router.get("/cluster/label/:clusterName", auth, validate(ClusterLabelsQuery, "query"), (ctx) => {
    const q = input(ctx, ClusterLabelsQuery);
    const c = core.clusters.get(ctx.params["clusterName"] as string);
    const items = c.labels.map((clusterLabel) => ({ clusterLabel, createTime: unix(c.createdAt) }));
    okPage(ctx, items, q.page, q.pageSize);
  });
  // The older hub's path for the same list.
  router.get("/cluster/:clusterName/label", auth, (ctx) => {
    ok(ctx, core.clusters.get(ctx.params["clusterName"] as string).labels);
  });
  router.post("/cluster/label", ...admin, validate(ClusterLabelBody), (ctx) => {
    const body = input(ctx, ClusterLabelBody);
    const clusters = body.clusters.map((name) => core.clusters.get(name));
    const labelled = clusters.map((c) => body.labels.reduce((x, l) => core.clusters.addLabel(x.name, l), c));
    labelledAnswer(ctx, body.documented, labelled);
  });
  router.delete("/cluster/label", ...admin, deleteBody(), validate(ClusterLabelBody), (ctx) => {
    const body = input(ctx, ClusterLabelBody);
    const clusters = body.clusters.map((name) => core.clusters.get(name));
    const labelled = clusters.map((c) =>
      body.labels.reduce((x, l) => core.clusters.removeLabel(x.name, l), c),
    );
    labelledAnswer(ctx, body.documented, labelled);
  });

  router.get("/node", auth, validate(NodeListQuery, "query"), (ctx) => {
    const q = input(ctx, NodeListQuery);
    const clusterId = q.clusterName ? core.clusters.get(q.clusterName).id : undefined;
    const nodes = core.nodes
      .list(clusterId === undefined ? {} : { clusterId })
      .filter((n) => !q.nodeLabel || q.nodeLabel === "all" || n.labels.includes(q.nodeLabel))
      .filter((n) => !q.nodeName || n.name.includes(q.nodeName));
    const fields = q.field ? [...ALWAYS, ...q.field.split(",").map((f) => f.trim())] : null;
    const items = nodes.map((n) => {
      const full = presentNode(n, clusterName(n.clusterId));
      return fields ? Object.fromEntries(Object.entries(full).filter(([k]) => fields.includes(k))) : full;
    });
    okPage(ctx, items, q.page, q.pageSize, { meta: { readyNodeCount: nodes.filter(eligible).length } });
  });
  router.get("/node/label", auth, validate(NodeLabelQuery, "query"), (ctx) => {
    const q = input(ctx, NodeLabelQuery);
    if (q.nodeName) {
      ok(ctx, core.nodes.get(q.nodeName, q.clusterName).labels);
      return;
    }
    const clusterId = q.clusterName ? core.clusters.get(q.clusterName).id : undefined;
    const labels = new Set(
      core.nodes.list(clusterId === undefined ? {} : { clusterId }).flatMap((n) => n.labels),
    );
    ok(ctx, [...labels].sort(), { total: labels.size });
  });
  router.post("/node/label", ...admin, validate(NodeLabelBody), (ctx) => {
    const body = input(ctx, NodeLabelBody);
    const nodes = body.nodes.map((n) => core.nodes.get(n, body.clusterName));
    const labelled = nodes.map((n) => body.labels.reduce((x, l) => core.nodes.addLabel(x, l), n));
    const [first] = labelled;
    if (body.documented || !first) ok(ctx);
    else ok(ctx, { clusterName: body.clusterName, nodeName: first.name, labels: first.labels });
  });
  router.delete("/node/label", ...admin, deleteBody(), validate(NodeLabelBody), (ctx) => {
    const body = input(ctx, NodeLabelBody);
    const nodes = body.nodes.map((n) => core.nodes.get(n, body.clusterName));
    for (const node of nodes) {
      const missing = body.labels.find((l) => !node.labels.includes(l));
      if (missing) throw new NotFoundError("label", `${missing} on ${node.name}`);
    }
    // Deployments selecting a removed label have replicas there: they leave only when asked to.
    const nodeIds = new Set(nodes.map((n) => n.id));
    const affected = core.replicatedServices
      .list()
      .filter((d) => d.targets.nodeLabel !== null && body.labels.includes(d.targets.nodeLabel))
      .filter((d) => core.serviceController.replicas(d.id).some((r) => nodeIds.has(r.link.nodeId)));
    if (affected.length > 0 && !body.deleteDeploy) {
      throw new ConflictError(
        `deployments ${affected.map((d) => d.name).join(", ")} run on ${nodes.map((n) => n.name).join(", ")} through these labels: pass deleteDeploy=true to remove them from the nodes`,
      );
    }
    const labelled = nodes.map((n) => body.labels.reduce((x, l) => core.nodes.removeLabel(x, l), n));
    const [first] = labelled;
    if (body.documented || !first) ok(ctx);
    else
      ok(ctx, {
        clusterName: body.clusterName,
        nodeName: first.name,
        labels: first.labels,
        deletedDeploys: affected.map((d) => d.name),
      });
  });
}
