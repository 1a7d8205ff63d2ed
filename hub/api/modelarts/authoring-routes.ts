import type Router from "@koa/router";
import { z } from "zod";
import type { Cluster, User } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { notebookFlavors, presentFlavor } from "./notebook-flavors";
import { liveNotebookOf } from "./notebook-model";
import { pageOf } from "./paging";
import { iamUserId } from "./iam-users";

/** The user's notebooks that are not deleted (what counts against the quota). */
export const notebooksOf = (deps: ModelArtsDeps, username: string) =>
  deps.core.workloads.list({ owner: username }).filter((w) => liveNotebookOf(w) !== undefined);

const ClusterQuery = z.object({
  type: z.enum(["MANAGED", "DEDICATED"]).optional(),
  workspace_id: z.string().max(64).optional(),
  scope: z.string().max(64).optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/**
 * `/v1/{project_id}/authoring`: notebook resource pools (Corral clusters, with the flavors their
 * nodes offer) and the NOTEBOOK feature's switch and per-user quota.
 */
export function authoringRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project, auth } = deps;
  const base = "/v1/:project_id/authoring";
  const present = (c: Cluster) => {
    const ready = core.nodes.list({ clusterId: c.id }).some((n) => n.status === "ready");
    const flavors = notebookFlavors(core, c.id).map((f) => ({
      ...presentFlavor(f),
      memory: String(f.memory),
    }));
    return {
      logic_cluster_id: c.id,
      pool_id: c.name,
      status: ready ? "ACTIVE" : "PENDING",
      type: "DEDICATED",
      resource_categories: [...new Set(flavors.map((f) => f.category))].join(",") || "CPU",
      workspace_id: "0",
      create_at: String(c.createdAt),
      update_at: String(c.createdAt),
      project_id: project.id,
      domain_id: project.domain.id,
      flavors,
      is_allow_root: false,
    };
  };
  router.get(`${base}/clusters`, auth, validate(ClusterQuery, "query"), (ctx) => {
    const q = input(ctx, ClusterQuery);
    const clusters = q.type === "MANAGED" ? [] : core.clusters.list();
    const page = pageOf(clusters, q.offset, q.limit);
    ctx.body = { ...page, data: page.data.map(present) };
  });
  router.get(`${base}/clusters/:cluster_id`, auth, (ctx) => {
    const c = core.clusters.find(ctx.params.cluster_id as string);
    if (!c)
      throw new ModelArtsError(
        400,
        "ModelArts.6350",
        `notebook resource pool ${ctx.params.cluster_id} not found`,
      );
    ctx.body = present(c);
  });
  router.get(`${base}/features/:feature`, auth, (ctx: ApiContext) => {
    const feature = (ctx.params.feature as string).toUpperCase();
    if (feature !== "NOTEBOOK")
      throw new ModelArtsError(
        400,
        "ModelArts.6303",
        `unknown feature ${ctx.params.feature}: NOTEBOOK is the one feature`,
      );
    const user = (ctx.state.principal as { user: User }).user;
    const mine = notebooksOf(deps, user.username);
    ctx.body = {
      id: `${iamUserId(user)}-notebook`,
      name: feature,
      enabled: true,
      quota: deps.config.modelartsNotebookQuota,
      used: mine.length,
      user_id: iamUserId(user),
      create_at: user.createdAt,
      update_at: Math.max(user.createdAt, ...mine.map((w) => w.updatedAt)),
    };
  });
}
