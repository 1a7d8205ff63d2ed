import type { Core } from "../../core";
import { allocatableGpus } from "../../core/capacity";
import type { Cluster, Task, Workload } from "../../core/model";
import { PLACED_TASK_STATES } from "../../core/model";

/** CPU cores, memory MiB and GPU devices. */
export interface Amount {
  cpuCores: number;
  memoryMiB: number;
  gpus: number;
}

/** What the pool's nodes have (capacity: ready nodes; maxCapacity: every node) and what placed tasks hold. */
export function poolUsage(
  core: Core,
  cluster: Cluster,
): { allocated: Amount; capacity: Amount; maxCapacity: Amount } {
  const nodes = core.nodes.list({ clusterId: cluster.id });
  const alloc = core.nodes.allocations();
  const zero = (): Amount => ({ cpuCores: 0, memoryMiB: 0, gpus: 0 });
  const [allocated, capacity, maxCapacity] = [zero(), zero(), zero()];
  for (const n of nodes) {
    const have = {
      cpuCores: n.hardware?.cpu.cores ?? 0,
      memoryMiB: n.hardware?.memory.totalMiB ?? 0,
      gpus: allocatableGpus(n).length,
    };
    for (const into of n.status === "ready" ? [capacity, maxCapacity] : [maxCapacity]) {
      into.cpuCores += have.cpuCores;
      into.memoryMiB += have.memoryMiB;
      into.gpus += have.gpus;
    }
    const a = alloc.get(n.id);
    if (a) {
      allocated.cpuCores += a.cpuMilli / 1000;
      allocated.memoryMiB += a.memoryMiB;
      allocated.gpus += a.gpus.size;
    }
  }
  return { allocated, capacity, maxCapacity };
}

/** An amount as ModelArts's Value: CPU cores and memory as Kubernetes quantities, GPUs as a count. */
export const quantity = (a: Amount): Record<string, string> => ({
  cpu: String(Math.round(a.cpuCores * 1000) / 1000),
  memory: `${a.memoryMiB}Mi`,
  "nvidia.com/gpu": String(a.gpus),
});

/** The workloads in a pool: bound to its cluster, or with a task placed on one of its nodes. */
export function poolWorkloads(core: Core, cluster: Cluster): { workload: Workload; tasks: Task[] }[] {
  const nodeIds = new Set(core.nodes.list({ clusterId: cluster.id }).map((n) => n.id));
  return core.workloads
    .list({})
    .map((workload) => ({ workload, tasks: core.workloads.tasks(workload.id) }))
    .filter(
      ({ workload, tasks }) =>
        workload.clusterId === cluster.id || tasks.some((t) => t.nodeId !== null && nodeIds.has(t.nodeId)),
    );
}

/** ModelArts's workload type of a core workload kind. */
export const workloadType = (w: Workload): string =>
  w.kind === "batch" ? "train" : w.kind === "interactive" ? "notebook" : "infer";

/** ModelArts's workload status of a core workload state. */
export function workloadStatus(w: Workload): keyof WorkloadCounts {
  switch (w.state) {
    case "pending":
      return "pending";
    case "running":
      return "running";
    case "stopping":
      return "terminating";
    case "succeeded":
      return "completed";
    case "failed":
      return "failed";
    default:
      return "terminated";
  }
}

export interface WorkloadCounts {
  queue: number;
  pending: number;
  abnormal: number;
  terminating: number;
  creating: number;
  running: number;
  completed: number;
  terminated: number;
  failed: number;
}

export const emptyCounts = (): WorkloadCounts => ({
  queue: 0,
  pending: 0,
  abnormal: 0,
  terminating: 0,
  creating: 0,
  running: 0,
  completed: 0,
  terminated: 0,
  failed: 0,
});

/** Whether a task holds resources now. */
export const placed = (t: Task): boolean => PLACED_TASK_STATES.has(t.state);
