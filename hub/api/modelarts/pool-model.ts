import type { Core } from "../../core";
import type { Cluster, Node, NodePool } from "../../core/model";
import { wholeNodeFlavor } from "./flavors";
import { poolNotFound } from "./pool-errors";
import { nodePhase } from "./pool-node-presenter";

/**
 * A ModelArts resource pool is a Corral cluster: `metadata.name` is the cluster's name (the nodes
 * routes resolve `/pools/{pool_name}` the same way), its labels are the cluster's `key=value`
 * labels, and its node pools are the core node pools that size the cluster (NodePool.clusterId).
 */
export const LABEL = {
  name: "os.modelarts/name",
  workspace: "os.modelarts/workspace.id",
  /** The label a node carries to join one node pool (value: the core node pool's name). */
  nodePool: "os.modelarts.node/nodepool",
} as const;

/** The record kind (core.clusterRecords) of a pool's own words: description, type, scope. */
export const POOL_RECORD = "modelarts/pool";

export interface PoolMeta {
  description: string;
  type: string;
  scope: string[];
  jobFlavors: string[];
}

/** The resource pool `name`: 404 ModelArts.50015001 when no cluster has the name. */
export function findPool(core: Core, name: string): Cluster {
  const c = core.clusters.list().find((x) => x.name === name);
  if (!c) throw poolNotFound(name);
  return c;
}

/** The value of label `key` (`key=value`), or undefined. */
export function labelValue(labels: readonly string[], key: string): string | undefined {
  const hit = labels.find((l) => l === key || l.startsWith(`${key}=`));
  return hit === undefined ? undefined : hit.slice(key.length + 1);
}

/** Labels with `key` set to `value` (or removed when value is null), others kept in order. */
export function withLabelValue(labels: readonly string[], key: string, value: string | null): string[] {
  const rest = labels.filter((l) => l !== key && !l.startsWith(`${key}=`));
  return value === null ? rest : [...rest, `${key}=${value}`];
}

export function poolMeta(core: Core, cluster: Cluster): PoolMeta {
  const data = core.clusterRecords.find(cluster.id, POOL_RECORD, "meta")?.data ?? {};
  const strings = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  return {
    description: typeof data.description === "string" ? data.description : "",
    type: typeof data.type === "string" ? data.type : "Dedicate",
    scope: data.scope === undefined ? ["Train", "Infer", "Notebook"] : strings(data.scope),
    jobFlavors: strings(data.jobFlavors),
  };
}

/** The ModelArts name of a core node pool (kept in its meta; the core name is `<pool>-<name>`). */
export function nodePoolName(p: NodePool): string {
  const own = (p.meta.modelarts as { name?: unknown } | undefined)?.name;
  return typeof own === "string" ? own : p.name;
}

/** The node pools of a resource pool, oldest first. */
export const nodePoolsOf = (core: Core, cluster: Cluster): NodePool[] => core.nodePools.ofCluster(cluster.id);

/** The node pool `name` of a resource pool, or undefined. */
export const findNodePool = (core: Core, cluster: Cluster, name: string): NodePool | undefined =>
  nodePoolsOf(core, cluster).find((p) => nodePoolName(p) === name);

/** The core name of a resource pool's node pool: unique across clusters, as core names are. */
export function coreNodePoolName(cluster: Pick<Cluster, "name">, name: string): string {
  const slug = cluster.name.toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return `${slug}-${name}`.slice(0, 63).replace(/-+$/, "");
}

/**
 * A node's flavor: the whole-node flavor of its shape (flavors.ts), or null while it has not
 * reported hardware.
 */
export const nodeFlavor = (node: Node): string | null => wholeNodeFlavor(node)?.id ?? null;

// ModelArts's node phase from the node's real state: one rule for pools and their node lists.
export { nodePhase };

export interface FlavorCount {
  flavor: string;
  count: number;
  nodePool?: string;
}

export interface PoolResources {
  creating: FlavorCount[];
  available: FlavorCount[];
  abnormal: FlavorCount[];
  deleting: FlavorCount[];
}

/** Nodes of one resource pool with the node pool (of that pool) each belongs to, if any. */
export function poolNodes(core: Core, cluster: Cluster): { node: Node; pool: NodePool | null }[] {
  const all = core.nodePools.list();
  return core.nodes.list({ clusterId: cluster.id }).map((node) => {
    const p = core.nodePools.poolOf(node, all);
    return { node, pool: p.clusterId === cluster.id ? p : null };
  });
}

function add(into: FlavorCount[], flavor: string, nodePool: string | undefined, n = 1): void {
  if (n <= 0) return;
  const hit = into.find((x) => x.flavor === flavor && x.nodePool === nodePool);
  if (hit) hit.count += n;
  else into.push({ flavor, count: n, ...(nodePool === undefined ? {} : { nodePool }) });
}

/**
 * What the pool's nodes are doing, per flavor and node pool: available (ready), abnormal (not
 * ready or down), creating (joined but no hardware reported yet, and desired nodes of a sized node
 * pool that have not joined). `pools` narrows it to some node pools.
 */
export function poolResources(core: Core, cluster: Cluster, only?: NodePool): PoolResources {
  const out: PoolResources = { creating: [], available: [], abnormal: [], deleting: [] };
  const joined = new Map<string, number>();
  for (const { node, pool } of poolNodes(core, cluster)) {
    if (only && pool?.id !== only.id) continue;
    const np = pool ? nodePoolName(pool) : undefined;
    if (pool) joined.set(pool.id, (joined.get(pool.id) ?? 0) + 1);
    const phase = nodePhase(node);
    const flavor = nodeFlavor(node) ?? pool?.flavorId ?? "";
    add(
      phase === "Available" ? out.available : phase === "Abnormal" ? out.abnormal : out.creating,
      flavor,
      np,
    );
  }
  for (const p of only ? [only] : nodePoolsOf(core, cluster)) {
    add(out.creating, p.flavorId ?? "", nodePoolName(p), (p.count ?? 0) - (joined.get(p.id) ?? 0));
  }
  return out;
}

const total = (xs: FlavorCount[]): number => xs.reduce((s, x) => s + x.count, 0);

/** The pool's phase and a message saying why, from its resources. */
export function poolPhase(r: PoolResources): { phase: string; message: string } {
  const [available, abnormal, creating] = [total(r.available), total(r.abnormal), total(r.creating)];
  if (available === 0 && abnormal > 0)
    return { phase: "Abnormal", message: `${abnormal} node(s) not ready, none available` };
  if (available === 0 && creating > 0)
    return { phase: "Creating", message: `waiting for ${creating} node(s) to join and report` };
  const parts = [`${available} node(s) available`];
  if (abnormal > 0) parts.push(`${abnormal} abnormal`);
  if (creating > 0) parts.push(`${creating} creating`);
  return { phase: "Running", message: parts.join(", ") };
}
