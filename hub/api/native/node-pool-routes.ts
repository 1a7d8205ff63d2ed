import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { NodePool } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { PoolParams } from "./schemas";

const NodePoolBody = z.object({
  name: z.string().min(1, "is required"),
  /** `key=value` labels; a node carrying all of them is in the pool. */
  labelSelector: z.array(z.string().min(1)).min(1, "must name at least one label"),
});
const NodePoolUpdate = z.object({
  labelSelector: z.array(z.string().min(1)).min(1, "must name at least one label"),
});

/** Node pools (docs/native-api.md "Node pools"): label selectors over nodes, `default` for the rest. */
export function nodePoolRoutes(router: Router<ApiState>, core: Core): void {
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];
  const present = (p: NodePool) => {
    const pools = core.nodePools.list();
    const nodes = core.nodes.list().filter((n) => core.nodePools.poolOf(n, pools).id === p.id);
    return {
      id: p.id,
      name: p.name,
      labelSelector: p.labelSelector,
      nodes: nodes.map((n) => n.name),
      capacity: core.capacity.ofPool(p.id),
      createdAt: new Date(p.createdAt).toISOString(),
      updatedAt: new Date(p.updatedAt).toISOString(),
    };
  };
  router.get("/node-pools", auth, (ctx) => {
    ctx.body = { items: core.nodePools.list().map(present) };
  });
  router.post("/node-pools", ...admin, validate(NodePoolBody), (ctx) => {
    const b = input(ctx, NodePoolBody);
    ctx.status = 201;
    ctx.body = present(core.nodePools.create(b.name, b.labelSelector));
  });
  const pool = validate(PoolParams, "params");
  const named = (ctx: ApiContext) => core.nodePools.get(input(ctx, PoolParams).pool);
  router.get("/node-pools/:pool", auth, pool, (ctx) => {
    ctx.body = present(named(ctx));
  });
  router.patch("/node-pools/:pool", ...admin, pool, validate(NodePoolUpdate), (ctx) => {
    const p = named(ctx);
    ctx.body = present(core.nodePools.update(p, { labelSelector: input(ctx, NodePoolUpdate).labelSelector }));
  });
  router.delete("/node-pools/:pool", ...admin, pool, (ctx) => {
    const p = named(ctx);
    core.nodePools.remove(p);
    ctx.body = present(p);
  });
}
