import type Router from "@koa/router";
import type { Core } from "../../core";
import type { Node } from "../../core/model";
import type { ApiState } from "../context";
import { authenticate, requireAdmin } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { presentNode } from "./presenters";
import { ClusterQuery, LabelBody } from "./schemas";

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
  const admin = [auth, requireAdmin()];

  router.get("/nodes", auth, validate(ClusterQuery, "query"), (ctx) => {
    const { cluster } = input(ctx, ClusterQuery);
    const clusterId = cluster === undefined ? undefined : core.clusters.get(cluster).id;
    ctx.body = { items: present(core.nodes.list({ clusterId })) };
  });
  router.get("/nodes/:node", auth, validate(ClusterQuery, "query"), (ctx) => {
    ctx.body = one(core.nodes.get(ctx.params.node as string, input(ctx, ClusterQuery).cluster));
  });
  router.post("/nodes/:node/labels", ...admin, validate(LabelBody), (ctx) => {
    const node = core.nodes.get(ctx.params.node as string, ctx.query.cluster as string | undefined);
    ctx.body = one(core.nodes.addLabel(node, input(ctx, LabelBody).label));
  });
  router.delete("/nodes/:node/labels/:label", ...admin, (ctx) => {
    const node = core.nodes.get(ctx.params.node as string, ctx.query.cluster as string | undefined);
    ctx.body = one(core.nodes.removeLabel(node, ctx.params.label as string));
  });
  router.post("/nodes/:node/cordon", ...admin, (ctx) => {
    const node = core.nodes.get(ctx.params.node as string, ctx.query.cluster as string | undefined);
    ctx.body = one(core.nodes.setSchedulable(node, false));
  });
  router.post("/nodes/:node/uncordon", ...admin, (ctx) => {
    const node = core.nodes.get(ctx.params.node as string, ctx.query.cluster as string | undefined);
    ctx.body = one(core.nodes.setSchedulable(node, true));
  });
}
