import type { Core } from "../../core";
import type { Cluster, NodePool } from "../../core/model";
import type { IamProject } from "./project";
import { DEFAULT_WORKSPACE_ID } from "./workspace-ids";
import {
  LABEL,
  nodeFlavor,
  nodePoolName,
  nodePoolsOf,
  poolMeta,
  poolNodes,
  poolPhase,
  poolResources,
  type FlavorCount,
} from "./pool-model";

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** How nodes join a pool: a join token scoped to its cluster, made by an admin (CLI or native API). */
export const joinHint = (cluster: Cluster): string =>
  `corral token create --cluster ${cluster.name} (or POST /api/corral/v1/join-tokens ` +
  `{"cluster":"${cluster.name}"}), then start each agent with that token`;

/** The label a node sets (CORRAL_LABELS) to join a node pool. */
export const nodePoolLabel = (p: NodePool): string => `${LABEL.nodePool}=${p.name}`;

/** The cluster's `key=value` labels as a label map (a bare label maps to ""). */
function labelMap(cluster: Cluster): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of cluster.labels) {
    const eq = l.indexOf("=");
    if (eq < 0) out[l] = "";
    else out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

/** The pool's labels as ModelArts shows them: the cluster's, with the display name and workspace. */
export function poolLabels(cluster: Cluster, project: IamProject): Record<string, string> {
  const own = labelMap(cluster);
  return {
    ...own,
    [LABEL.name]: own[LABEL.name] ?? cluster.name,
    [LABEL.workspace]: own[LABEL.workspace] ?? DEFAULT_WORKSPACE_ID,
    "os.modelarts/resource.id": cluster.id,
    "os.modelarts/tenant.project.id": project.id,
    "os.modelarts/region": project.name,
  };
}

/** The desired resources: each sized node pool, then the pool's other nodes by flavor. */
function specResources(core: Core, cluster: Cluster): Record<string, unknown>[] {
  const sized = nodePoolsOf(core, cluster).map((p) => ({
    flavor: p.flavorId ?? "",
    count: p.count ?? 0,
    maxCount: p.maxCount ?? p.count ?? 0,
    nodePool: nodePoolName(p),
  }));
  const others: FlavorCount[] = [];
  for (const { node, pool } of poolNodes(core, cluster)) {
    if (pool) continue;
    const flavor = nodeFlavor(node) ?? "";
    const hit = others.find((o) => o.flavor === flavor);
    if (hit) hit.count += 1;
    else others.push({ flavor, count: 1 });
  }
  return [...sized, ...others.map((o) => ({ ...o, maxCount: o.count }))];
}

/** A resource pool (PoolModel of the SDK). `phase` overrides the derived one (Deleting). */
export function presentPool(
  core: Core,
  project: IamProject,
  cluster: Cluster,
  phase?: string,
): Record<string, unknown> {
  const meta = poolMeta(core, cluster);
  const resources = poolResources(core, cluster);
  const derived = poolPhase(resources);
  return {
    apiVersion: "v2",
    kind: "Pool",
    metadata: {
      name: cluster.name,
      creationTimestamp: iso(cluster.createdAt),
      labels: poolLabels(cluster, project),
      annotations: {
        "os.modelarts/description": meta.description,
        "os.modelarts/billing.mode": "0",
        "os.modelarts/join.token": joinHint(cluster),
      },
    },
    spec: {
      type: meta.type,
      scope: meta.scope,
      resources: specResources(core, cluster),
      jobFlavors: meta.jobFlavors,
    },
    status: {
      phase: phase ?? derived.phase,
      message: derived.message,
      resources,
      scope: meta.scope.map((s) => ({ scopeType: s, state: "Enabled" })),
    },
  };
}

/** A node pool (NodePool of the SDK): one flavor each, so its counts are single objects. */
export function presentNodePool(core: Core, cluster: Cluster, p: NodePool): Record<string, unknown> {
  const r = poolResourcesOne(core, cluster, p);
  return {
    apiVersion: "v2",
    kind: "NodePool",
    metadata: {
      name: nodePoolName(p),
      creationTimestamp: iso(p.createdAt),
      annotations: {
        "os.modelarts/join.labels": nodePoolLabel(p),
        "os.modelarts/join.token": joinHint(cluster),
      },
    },
    spec: {
      resources: { flavor: p.flavorId ?? "", count: p.count ?? 0, maxCount: p.maxCount ?? p.count ?? 0 },
    },
    status: { resources: r },
  };
}

function poolResourcesOne(core: Core, cluster: Cluster, p: NodePool): Record<string, FlavorCount> {
  const r = poolResources(core, cluster, p);
  const one = (xs: FlavorCount[]): FlavorCount => ({
    flavor: xs[0]?.flavor ?? p.flavorId ?? "",
    count: xs.reduce((s, x) => s + x.count, 0),
    nodePool: nodePoolName(p),
  });
  return {
    creating: one(r.creating),
    available: one(r.available),
    abnormal: one(r.abnormal),
    deleting: one(r.deleting),
  };
}
