import { randomBytes } from "node:crypto";
import type Router from "@koa/router";
import type { z } from "zod";
import type { Core } from "../../core";
import type { Cluster, NodePool } from "../../core/model";
import type { ApiState } from "../context";
import { adminOnly } from "../middleware/authorize";
import { compose } from "../middleware/compose";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { ModelArtsError } from "./errors";
import { parseLabelSelector } from "./label-selector";
import { POOL_ERRORS, poolErrors } from "./pool-errors";
import {
  coreNodePoolName,
  findNodePool,
  findPool,
  LABEL,
  nodePoolName,
  poolMeta,
  POOL_RECORD,
  withLabelValue,
} from "./pool-model";
import { poolLabels, presentPool } from "./pool-presenter";
import {
  CreatePoolBody,
  ListPoolsQuery,
  PatchPoolBody,
  PoolParams,
  type PoolResourceSchema,
} from "./pool-schemas";
import { DEFAULT_WORKSPACE_ID } from "./workspace-ids";

type Resource = z.infer<typeof PoolResourceSchema>;

/**
 * Creates or resizes the node pool of `cluster` that `r` names (a core node pool selecting nodes
 * labelled `os.modelarts.node/nodepool=<core name>`, sized with the flavor and counts).
 */
export function applyResource(core: Core, cluster: Cluster, name: string, r: Partial<Resource>): NodePool {
  const known = findNodePool(core, cluster, name);
  const pool =
    known ??
    core.nodePools.create(
      coreNodePoolName(cluster, name),
      [`${LABEL.nodePool}=${coreNodePoolName(cluster, name)}`],
      { modelarts: { name } },
    );
  const count = r.count ?? pool.count ?? 0;
  return core.nodePools.size(pool, {
    clusterId: cluster.id,
    flavorId: r.flavor ?? pool.flavorId ?? null,
    count,
    maxCount: r.maxCount ?? (known ? Math.max(pool.maxCount ?? count, count) : count),
  });
}

/** Sets one label (`key=value`) of a cluster through core, replacing the key's old value. */
function setLabel(core: Core, cluster: Cluster, key: string, value: string | null): Cluster {
  let c = cluster;
  const next = withLabelValue(c.labels, key, value);
  for (const old of c.labels.filter((l) => !next.includes(l))) c = core.clusters.removeLabel(c.id, old);
  for (const add of next.filter((l) => !c.labels.includes(l))) c = core.clusters.addLabel(c.id, add);
  return c;
}

/** A fresh pool name, `pool-` and 8 hex digits (Huawei's generated names look alike). */
function freshName(core: Core): string {
  for (;;) {
    const name = `pool-${randomBytes(4).toString("hex")}`;
    if (!core.clusters.find(name)) return name;
  }
}

/**
 * Resource pools (`/v2/{project_id}/pools`): every Corral cluster is a pool; create makes a
 * cluster with node pools sized per flavor (nodes join it with a join token scoped to it), PATCH
 * takes JSON or a merge patch, delete is refused while the pool runs work and takes its nodes along.
 */
export function poolRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project, workspaces } = deps;
  const auth = compose([poolErrors(), deps.auth]);
  const admin = compose([auth, adminOnly(core.authz)]);
  const present = (c: Cluster, phase?: string) => presentPool(core, project, c, phase);
  const params = validate(PoolParams, "params");

  const checkWorkspace = (id: string): void => {
    if (!workspaces.find(id))
      throw new ModelArtsError(400, POOL_ERRORS.badRequest, `Bad request. workspace ${id} not found`);
  };
  const displayTaken = (name: string, except?: Cluster): boolean =>
    core.clusters.list().some((c) => c.id !== except?.id && poolLabels(c, project)[LABEL.name] === name);

  router.post("/v2/:project_id/pools", admin, validate(CreatePoolBody), (ctx) => {
    const body = input(ctx, CreatePoolBody);
    const display = body.metadata.labels["os.modelarts/name"];
    const workspace = body.metadata.labels["os.modelarts/workspace.id"] ?? DEFAULT_WORKSPACE_ID;
    checkWorkspace(workspace);
    if (displayTaken(display))
      throw new ModelArtsError(409, POOL_ERRORS.exists, `Pool ${display} already exists.`);
    const resources = body.spec?.resources ?? [];
    const names = resources.map((r, i) => r.nodePool ?? `nodepool-${i + 1}`);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined)
      throw new ModelArtsError(400, POOL_ERRORS.badRequest, `Bad request. nodePool ${dup} is listed twice`);
    // Everything that can refuse is checked before the cluster is made, so a refusal leaves nothing.
    resources.forEach((r, i) => {
      if (r.maxCount !== undefined && r.maxCount < r.count)
        throw new ModelArtsError(
          400,
          POOL_ERRORS.badRequest,
          `Bad request. invalid spec.resources.${i}.maxCount: must be at least count`,
        );
    });
    const name = freshName(core);
    const taken = names.find((n) => core.nodePools.find(coreNodePoolName({ name }, n)));
    if (taken !== undefined)
      throw new ModelArtsError(409, POOL_ERRORS.exists, `NodePool ${taken} already exists.`);
    let cluster = core.clusters.create(name);
    cluster = setLabel(core, cluster, LABEL.name, display);
    cluster = setLabel(core, cluster, LABEL.workspace, workspace);
    core.clusterRecords.put(cluster.id, POOL_RECORD, "meta", {
      description: body.metadata.annotations?.["os.modelarts/description"] ?? "",
      type: body.spec?.type ?? "Dedicate",
      scope: body.spec?.scope ?? ["Train", "Infer", "Notebook"],
      jobFlavors: body.spec?.jobFlavors ?? [],
    });
    resources.forEach((r, i) => applyResource(core, cluster, names[i]!, r));
    ctx.body = present(cluster);
  });

  router.get("/v2/:project_id/pools", auth, validate(ListPoolsQuery, "query"), (ctx) => {
    const q = input(ctx, ListPoolsQuery);
    const selector = q.labelSelector === undefined ? () => true : parseLabelSelector(q.labelSelector);
    const items = core.clusters
      .list()
      .map((c) => present(c))
      .filter((p) => {
        const m = p.metadata as { labels: Record<string, string> };
        const s = p.status as { phase: string };
        return (
          (q.workspaceId === undefined || m.labels[LABEL.workspace] === q.workspaceId) &&
          (q.status === undefined || s.phase.toLowerCase() === q.status.toLowerCase()) &&
          selector(m.labels)
        );
      });
    ctx.body = { apiVersion: "v2", kind: "PoolList", items };
  });

  router.get("/v2/:project_id/pools/:pool_name", auth, params, (ctx) => {
    ctx.body = present(findPool(core, input(ctx, PoolParams).pool_name));
  });

  router.patch("/v2/:project_id/pools/:pool_name", admin, params, validate(PatchPoolBody), (ctx) => {
    let cluster = findPool(core, input(ctx, PoolParams).pool_name);
    const body = input(ctx, PatchPoolBody);
    for (const [key, value] of Object.entries(body.metadata?.labels ?? {})) {
      if (key === LABEL.name && value !== null) {
        if (!/^[a-z0-9-]{4,64}$/.test(value))
          throw new ModelArtsError(400, POOL_ERRORS.badRequest, `Bad request. invalid labels.${key}`);
        if (displayTaken(value, cluster))
          throw new ModelArtsError(409, POOL_ERRORS.exists, `Pool ${value} already exists.`);
      }
      if (key === LABEL.workspace && value !== null) checkWorkspace(value);
      cluster = setLabel(core, cluster, key, value);
    }
    const meta = poolMeta(core, cluster);
    const description = body.metadata?.annotations?.["os.modelarts/description"];
    core.clusterRecords.put(cluster.id, POOL_RECORD, "meta", {
      ...meta,
      ...(description === undefined ? {} : { description: description ?? "" }),
      ...(body.spec?.scope ? { scope: body.spec.scope } : {}),
      ...(body.spec?.jobFlavors ? { jobFlavors: body.spec.jobFlavors } : {}),
    });
    for (const r of body.spec?.resources ?? []) {
      // An entry names its node pool, or the pool's node pool of that flavor, or a new one.
      const byFlavor = core.nodePools.ofCluster(cluster.id).find((p) => p.flavorId === r.flavor);
      const name =
        r.nodePool ??
        (byFlavor ? nodePoolName(byFlavor) : `nodepool-${core.nodePools.ofCluster(cluster.id).length + 1}`);
      applyResource(core, cluster, name, r);
    }
    ctx.body = present(cluster);
  });

  router.delete("/v2/:project_id/pools/:pool_name", admin, params, (ctx) => {
    const cluster = findPool(core, input(ctx, PoolParams).pool_name);
    const shown = present(cluster, "Deleting");
    // As on ModelArts, the pool's nodes go with it (drained, credentials revoked) once it runs
    // nothing, and so do the join tokens scoped to it (a join would make the cluster anew).
    core.clusters.remove(cluster.id, (node) =>
      core.nodeRemovals.remove(node, `pool ${cluster.name} deleted`),
    );
    for (const t of core.joinTokens.list()) {
      if (t.cluster === cluster.name && t.revokedAt === null) core.joinTokens.revoke(t.id);
    }
    ctx.body = shown;
  });
}
