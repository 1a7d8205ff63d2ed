import type { Resources } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { Store } from "./repositories";

/**
 * What the non-preemptible work of one quota unit holds now, per node pool id: the requests of its
 * placed tasks (assigned, starting or running), read from the task store, not from a metric sample.
 * `poolOfNode` names the pool a node is in.
 */
export function nonPreemptibleUse(
  store: Store,
  unitId: string,
  poolOfNode: (nodeId: string) => string,
): Map<string, Resources> {
  const out = new Map<string, Resources>();
  const workloads = new Map<string, ReturnType<Store["workloads"]["byId"]>>();
  for (const t of store.tasks.byStates([...PLACED_TASK_STATES])) {
    if (!t.nodeId) continue;
    if (!workloads.has(t.workloadId)) workloads.set(t.workloadId, store.workloads.byId(t.workloadId));
    const w = workloads.get(t.workloadId);
    const role = w?.roles.find((r) => r.name === t.role);
    if (!w || !role || w.quotaUnitId !== unitId || w.preemptible) continue;
    const pool = poolOfNode(t.nodeId);
    const u = out.get(pool) ?? { gpu: 0, cpuMilli: 0, memoryMiB: 0 };
    u.gpu += role.resources.gpu;
    u.cpuMilli += role.resources.cpuMilli;
    u.memoryMiB += role.resources.memoryMiB;
    out.set(pool, u);
  }
  return out;
}
