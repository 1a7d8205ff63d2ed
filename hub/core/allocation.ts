import type { Workload } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { Store } from "./repositories";

export interface NodeAllocation {
  cpuMilli: number;
  memoryMiB: number;
  gpus: Set<string>;
}

/** What placed tasks hold on each node: the sum of their roles' requests and their GPU UUIDs. */
export function allocationsByNode(store: Store): Map<string, NodeAllocation> {
  const used = new Map<string, NodeAllocation>();
  const workloads = new Map<string, Workload | undefined>();
  for (const t of store.tasks.byStates([...PLACED_TASK_STATES])) {
    if (!t.nodeId) continue;
    if (!workloads.has(t.workloadId)) workloads.set(t.workloadId, store.workloads.byId(t.workloadId));
    const role = workloads.get(t.workloadId)?.roles.find((r) => r.name === t.role);
    const u = used.get(t.nodeId) ?? { cpuMilli: 0, memoryMiB: 0, gpus: new Set<string>() };
    u.cpuMilli += role?.resources.cpuMilli ?? 0;
    u.memoryMiB += role?.resources.memoryMiB ?? 0;
    for (const g of t.gpuUuids) u.gpus.add(g);
    used.set(t.nodeId, u);
  }
  return used;
}
