import type { Cluster, Node } from "../model";
import type { Placement, ServiceTargets } from "./model";

export const clusterMatches = (c: Cluster, clusterLabel: string | null): boolean =>
  clusterLabel === null || c.labels.includes(clusterLabel);

export const nodeMatches = (n: Node, nodeLabel: string | null): boolean =>
  nodeLabel === null || n.labels.includes(nodeLabel);

/** Nodes a new replica may be put on now: connected, not cordoned, with a usable runtime. */
export const eligible = (n: Node): boolean =>
  n.status === "ready" && n.schedulable && (n.runtime?.available ?? false);

/**
 * Replicas wanted on each node, by node id. `per-node` wants one on every eligible matching node;
 * `spread` spreads `replicas` over each selected cluster's eligible matching nodes: every node
 * gets floor(replicas / nodes), and the first `replicas mod nodes` nodes by name one more, so the
 * answer is stable from one pass to the next. Clusters without an eligible node get nothing.
 */
export function desiredPerNode(
  spec: { placement: Placement; replicas: number } & ServiceTargets,
  clusters: readonly Cluster[],
  nodes: readonly Node[],
): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of clusters) {
    if (!clusterMatches(c, spec.clusterLabel)) continue;
    const candidates = nodes
      .filter((n) => n.clusterId === c.id && nodeMatches(n, spec.nodeLabel) && eligible(n))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (candidates.length === 0) continue;
    if (spec.placement === "per-node") {
      for (const n of candidates) out.set(n.id, 1);
      continue;
    }
    const base = Math.floor(spec.replicas / candidates.length);
    const extra = spec.replicas % candidates.length;
    candidates.forEach((n, i) => {
      const count = base + (i < extra ? 1 : 0);
      if (count > 0) out.set(n.id, count);
    });
  }
  return out;
}

/** Clusters a service selects (a `spread` service's `replicas` count per cluster). */
export const selectedClusters = (clusters: readonly Cluster[], clusterLabel: string | null): Cluster[] =>
  clusters.filter((c) => clusterMatches(c, clusterLabel));
