import { allocatableGpus } from "../../core/capacity";
import type { NodeAllocation } from "../../core/allocation";
import type { Cluster, Node, NodePool } from "../../core/model";
import { wholeNodeFlavor } from "./flavors";

/** ModelArts node label keys (the SDK's NodeLabels). */
export const NODE_LABELS = {
  cluster: "os.modelarts.node/cluster",
  nodePool: "os.modelarts.node/nodepool",
  elasticQuota: "os.modelarts.node/elastic.quota",
  haRedundant: "os.modelarts.node/ha.redundant.enabled",
} as const;

/**
 * A node's phase (the SDK's NodeStatus.phase): Creating until its agent has reported its hardware,
 * Available while it is ready with a working container runtime, Abnormal otherwise (notready,
 * down, or an engine the agent cannot reach).
 */
export function nodePhase(node: Node): "Creating" | "Available" | "Abnormal" {
  if (!node.hardware) return "Creating";
  return node.status === "ready" && (node.runtime?.available ?? false) ? "Available" : "Abnormal";
}

/** Kubernetes quantities, as ModelArts shows them: cores ("8", "7500m"), memory ("32Gi", "1536Mi"). */
const cpu = (milli: number): string => (milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`);
const memory = (mib: number): string => (mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`);

function resources(cpuMilli: number, memoryMiB: number, gpus: number): Record<string, string> {
  return {
    cpu: cpu(Math.max(0, cpuMilli)),
    memory: memory(Math.max(0, memoryMiB)),
    ...(gpus > 0 ? { "nvidia.com/gpu": String(Math.max(0, gpus)) } : {}),
  };
}

/** Core labels (`key=value` or bare `key`) as a label map; a bare key maps to "". */
export function labelMap(labels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of labels) {
    const eq = l.indexOf("=");
    if (eq < 0) out[l] = "";
    else out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

export interface NodeContext {
  pool: Cluster;
  nodePool: NodePool;
  /** What placed tasks hold on the node (core.nodes.allocations()). */
  used: NodeAllocation | undefined;
  /** The hub's region (the node's az). */
  az: string;
}

/** The SDK's Node (ShowPoolNodeResponse): metadata, spec, status from the real inventory. */
export function presentNode(node: Node, ctx: NodeContext) {
  const gpuCount = allocatableGpus(node).length;
  const cpuMilli = (node.hardware?.cpu.cores ?? 0) * 1000;
  const memoryMiB = node.hardware?.memory.totalMiB ?? 0;
  const used = ctx.used ?? { cpuMilli: 0, memoryMiB: 0, gpus: new Set<string>() };
  const flavor = wholeNodeFlavor(node)?.id ?? "";
  return {
    kind: "Node",
    apiVersion: "v2",
    metadata: {
      name: node.name,
      creationTimestamp: new Date(node.createdAt).toISOString(),
      labels: {
        ...labelMap(node.labels),
        [NODE_LABELS.cluster]: ctx.pool.name,
        [NODE_LABELS.nodePool]: ctx.nodePool.name,
      },
      annotations: {},
    },
    spec: {
      flavor,
      taints: (node.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
      // Locked (batch-lock, cordon): nothing new is scheduled there.
      unschedulable: !node.schedulable,
    },
    status: {
      phase: nodePhase(node),
      az: ctx.az,
      privateIp: node.address,
      resources: resources(cpuMilli, memoryMiB, gpuCount),
      availableResources: resources(
        cpuMilli - used.cpuMilli,
        memoryMiB - used.memoryMiB,
        gpuCount - used.gpus.size,
      ),
    },
  };
}
