/** Domain objects -> native API JSON. Rows never leave the hub as they are (no credential hashes). */
import { allocatableGpus, nodeCapacity } from "../../core/capacity";
import type {
  Cluster,
  JoinToken,
  Node,
  NodeMetrics,
  Task,
  TaskMetricPoint,
  Workload,
} from "../../core/model";
import { isReplacePending } from "../../core/nodes";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function presentNode(
  node: Node,
  clusterName: string,
  allocated: { cpuMilli: number; memoryMiB: number; gpu: number },
) {
  return {
    id: node.id,
    name: node.name,
    cluster: clusterName,
    status: node.status,
    schedulable: node.schedulable,
    labels: node.labels,
    agentVersion: node.agentVersion,
    address: node.address,
    lastSeenAt: iso(node.lastSeenAt),
    statusChangedAt: iso(node.statusChangedAt),
    createdAt: iso(node.createdAt),
    runtime: node.runtime,
    hardware: node.hardware,
    capacity: nodeCapacity(node),
    allocatableGpus: allocatableGpus(node).map((g) => g.uuid),
    allocated,
    metrics: node.metrics && { ...node.metrics, sampledAt: iso(node.metrics.sampledAt) },
    allowedLabels: node.allowedLabels ?? null,
    hardwareChangedAt: iso(node.hardwareChangedAt ?? null),
    replacePending: isReplacePending(node),
    taints: node.taints ?? [],
  };
}

export function presentCluster(c: Cluster, nodes: readonly Node[]) {
  const mine = nodes.filter((n) => n.clusterId === c.id);
  return {
    id: c.id,
    name: c.name,
    labels: c.labels,
    nodeCount: mine.length,
    readyNodeCount: mine.filter((n) => n.status === "ready").length,
    createdAt: iso(c.createdAt),
  };
}

export function presentJoinToken(t: JoinToken, valid: boolean) {
  return {
    id: t.id,
    description: t.description,
    cluster: t.cluster,
    createdAt: iso(t.createdAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
    lastUsedAt: iso(t.lastUsedAt),
    allowedLabels: t.allowedLabels ?? null,
    valid,
  };
}

export function presentTask(t: Task, nodeName: (id: string) => string | null) {
  return {
    id: t.id,
    role: t.role,
    index: t.index,
    attempt: t.attempt,
    state: t.state,
    nodeId: t.nodeId,
    node: t.nodeId ? nodeName(t.nodeId) : null,
    gpus: t.gpuUuids,
    containerId: t.containerId,
    ip: t.ip,
    ports: t.ports,
    exitCode: t.exitCode,
    message: t.message,
    reason: t.reason,
    volumeNodeId: t.volumeNodeId,
    createdAt: iso(t.createdAt),
    startedAt: iso(t.startedAt),
    finishedAt: iso(t.finishedAt),
  };
}

export function presentWorkload(
  w: Workload,
  tasks: readonly Task[],
  clusterName: string | null,
  nodeName: (id: string) => string | null,
) {
  const main = w.roles[0];
  return {
    id: w.id,
    name: w.name,
    owner: w.owner,
    kind: w.kind,
    state: w.state,
    createdAt: iso(w.createdAt),
    finishedAt: iso(w.finishedAt),
    image: main?.image ?? null,
    command: main?.command ?? [],
    env: main?.env ?? {},
    instances: main?.instances ?? 0,
    resources: main?.resources ?? null,
    ports: main?.ports ?? [],
    volumes: main?.volumes ?? [],
    lease: w.lease && { durationSec: w.lease.durationMs / 1000, expiresAt: iso(w.lease.expiresAt) },
    nodeSelector: w.nodeSelector,
    tolerations: w.tolerations ?? [],
    cluster: clusterName,
    roles: w.roles.map((r) => ({
      name: r.name,
      image: r.image,
      instances: r.instances,
      resources: r.resources,
    })),
    tasks: tasks.map((t) => presentTask(t, nodeName)),
  };
}

/** One minute of a task's usage (means of its heartbeats in that minute). */
export function presentTaskMetricPoint(p: TaskMetricPoint) {
  return {
    at: iso(p.at),
    cpuPercent: p.cpuPercent,
    memoryMiB: p.memoryMiB,
    gpuUtilPercent: p.gpuUtilPercent,
    gpuMemoryMiB: p.gpuMemoryMiB,
    samples: p.samples,
  };
}

/** One stored sample of a node: CPU percent of the whole node, memory MiB, per-GPU readings. */
export function presentNodeMetrics(m: NodeMetrics) {
  return {
    at: iso(m.sampledAt),
    cpuPercent: m.cpuPercent,
    memoryUsedMiB: m.memoryUsedMiB,
    load1: m.load1,
    gpus: m.gpus.map((g) => ({
      uuid: g.uuid,
      utilizationPercent: g.utilizationPercent,
      memoryUsedMiB: g.memoryUsedMiB,
      temperatureC: g.temperatureC,
      powerWatts: g.powerWatts,
    })),
  };
}
