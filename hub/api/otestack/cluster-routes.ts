import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError, NotFoundError } from "../../core/errors";
import type { Node } from "../../core/model";
import { clusterMatches, eligible } from "../../core/services/targets";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import { deleteBody, ok, okPage, unix } from "./envelope";
import { oteAuth, oteRole } from "./identity";
import { selectorOf } from "./selectors";
import { ClusterLabelBody, ClusterListQuery, NodeLabelBody, NodeLabelQuery, NodeListQuery } from "./schemas";

/** A node's OTE view, from the agent's real inventory. Units: memory and disk MiB, cpu cores. */
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
    memory: hw?.memory.totalMiB ?? 0,
    gpu: hw?.gpus.filter((g) => !g.migEnabled).length ?? 0,
    disk: hw?.disks.reduce((sum, d) => sum + d.sizeMiB, 0) ?? 0,
    agentVersion: n.agentVersion,
    createTime: unix(n.createdAt),
  };
}

const ALWAYS = ["nodeName", "clusterName"];

export function clusterRoutes(router: Router<ApiState>, core: Core): void {
  const auth = oteAuth(core);
  const admin = [auth, oteRole(2)];
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
  router.get("/cluster/label", auth, (ctx) => {
    const labels = new Map<string, string[]>();
    for (const c of core.clusters.list())
      for (const l of c.labels) labels.set(l, [...(labels.get(l) ?? []), c.name]);
    ok(
      ctx,
      [...labels].map(([label, clusterNames]) => ({ label, clusterNames })),
      { total: labels.size },
    );
  });
  router.get("/cluster/:clusterName/label", auth, (ctx) => {
    ok(ctx, core.clusters.get(ctx.params["clusterName"] as string).labels);
  });
  router.post("/cluster/label", ...admin, validate(ClusterLabelBody), (ctx) => {
    const body = input(ctx, ClusterLabelBody);
    let c = core.clusters.get(body.clusterName);
    for (const l of body.labels) c = core.clusters.addLabel(c.name, l);
    ok(ctx, { clusterName: c.name, labels: c.labels });
  });
  router.delete("/cluster/label", ...admin, deleteBody(), validate(ClusterLabelBody), (ctx) => {
    const body = input(ctx, ClusterLabelBody);
    let c = core.clusters.get(body.clusterName);
    for (const l of body.labels) c = core.clusters.removeLabel(c.name, l);
    ok(ctx, { clusterName: c.name, labels: c.labels });
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
    let node = core.nodes.get(body.nodeName, body.clusterName);
    for (const l of body.labels) node = core.nodes.addLabel(node, l);
    ok(ctx, { clusterName: body.clusterName, nodeName: node.name, labels: node.labels });
  });
  router.delete("/node/label", ...admin, deleteBody(), validate(NodeLabelBody), (ctx) => {
    const body = input(ctx, NodeLabelBody);
    let node = core.nodes.get(body.nodeName, body.clusterName);
    const missing = body.labels.find((l) => !node.labels.includes(l));
    if (missing) throw new NotFoundError("label", missing);
    // Deployments selecting a removed label have replicas here: they leave only when asked to.
    const affected = core.replicatedServices
      .list()
      .filter((d) => d.targets.nodeLabel !== null && body.labels.includes(d.targets.nodeLabel))
      .filter((d) => core.serviceController.replicas(d.id).some((r) => r.link.nodeId === node.id));
    if (affected.length > 0 && !body.deleteDeploy) {
      throw new ConflictError(
        `deployments ${affected.map((d) => d.name).join(", ")} run on ${node.name} through these labels: pass deleteDeploy=true to remove them from the node`,
      );
    }
    for (const l of body.labels) node = core.nodes.removeLabel(node, l);
    ok(ctx, {
      clusterName: body.clusterName,
      nodeName: node.name,
      labels: node.labels,
      deletedDeploys: affected.map((d) => d.name),
    });
  });
}
