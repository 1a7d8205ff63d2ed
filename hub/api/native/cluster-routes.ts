import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { presentCluster, presentJoinToken } from "./presenters";
import {
  ClusterBody,
  ClusterLabelParams,
  ClusterParams,
  IdParams,
  JoinTokenBody,
  LabelBody,
} from "./schemas";

export function clusterRoutes(router: Router<ApiState>, core: Core): void {
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];
  const present = (c: Parameters<typeof presentCluster>[0]) => presentCluster(c, core.nodes.list());

  router.get("/clusters", auth, (ctx) => {
    const nodes = core.nodes.list();
    ctx.body = { items: core.clusters.list().map((c) => presentCluster(c, nodes)) };
  });
  router.post("/clusters", ...admin, validate(ClusterBody), (ctx) => {
    ctx.status = 201;
    ctx.body = present(core.clusters.create(input(ctx, ClusterBody).name));
  });
  const cluster = validate(ClusterParams, "params");
  router.get("/clusters/:cluster", auth, cluster, (ctx) => {
    ctx.body = present(core.clusters.get(input(ctx, ClusterParams).cluster));
  });
  router.post("/clusters/:cluster/labels", ...admin, cluster, validate(LabelBody), (ctx) => {
    ctx.body = present(
      core.clusters.addLabel(input(ctx, ClusterParams).cluster, input(ctx, LabelBody).label),
    );
  });
  router.delete(
    "/clusters/:cluster/labels/:label",
    ...admin,
    validate(ClusterLabelParams, "params"),
    (ctx) => {
      const p = input(ctx, ClusterLabelParams);
      ctx.body = present(core.clusters.removeLabel(p.cluster, p.label));
    },
  );
}

export function joinTokenRoutes(router: Router<ApiState>, core: Core): void {
  const admin = [authenticate(core.auth), adminOnly(core.authz)];
  router.post("/join-tokens", ...admin, validate(JoinTokenBody), (ctx) => {
    const body = input(ctx, JoinTokenBody);
    if (body.cluster !== undefined) core.clusters.ensure(body.cluster);
    const { token, record } = core.joinTokens.create(body);
    ctx.status = 201;
    ctx.body = { ...presentJoinToken(record, core.joinTokens.isValid(record)), token };
  });
  router.get("/join-tokens", ...admin, (ctx) => {
    ctx.body = { items: core.joinTokens.list().map((t) => presentJoinToken(t, core.joinTokens.isValid(t))) };
  });
  router.delete("/join-tokens/:id", ...admin, validate(IdParams, "params"), (ctx) => {
    const t = core.joinTokens.revoke(input(ctx, IdParams).id);
    ctx.body = presentJoinToken(t, core.joinTokens.isValid(t));
  });
}
