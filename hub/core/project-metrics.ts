import { PLACED_TASK_STATES } from "./model";
import type { Node, ProjectSample, QuotaUnit, Resources, Task, Workload } from "./model";
import type { NodePoolService } from "./node-pools";
import type { NodeService } from "./nodes";
import type { Clock } from "./clock";
import { QuotaUnitService } from "./quota-units";
import type { Store } from "./repositories";

/** GPU devices, CPU millicores, memory MiB. */
export type Amount = Resources;

/** @default 15 s between samples. */
export const DEFAULT_PROJECT_SAMPLE_MS = 15_000;
/** @default 30 days of samples kept. */
export const PROJECT_METRICS_RETENTION_MS = 30 * 24 * 3600 * 1000;

const zero = (): Amount => ({ gpu: 0, cpuMilli: 0, memoryMiB: 0 });
const plus = (a: Amount, b: Amount): void => {
  a.gpu += b.gpu;
  a.cpuMilli += b.cpuMilli;
  a.memoryMiB += b.memoryMiB;
};
const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/**
 * Per-quota-unit, per-node-pool time series fed by agents' heartbeats (the latest node metrics
 * held in memory by NodeService): allocation from placed tasks, utilisation from the GPUs (by
 * UUID, a MIG slice falling back to its parent) and nodes those tasks run on. sample() is called
 * on a timer (hub.ts) and writes one batch per call.
 */
export class ProjectMetrics {
  private latest: ProjectSample[] = [];

  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly nodePools: NodePoolService,
    private readonly clock: Clock,
  ) {}

  /** What each unit uses now, per pool (computed, not stored). */
  current(): ProjectSample[] {
    const now = this.clock.now();
    const pools = this.nodePools.list();
    const poolOfNode = new Map<string, string>(
      this.nodes.list().map((n) => [n.id, this.nodePools.poolOf(n, pools).id]),
    );
    const defaultPool = this.nodePools.defaultPool().id;
    const workloads = new Map<string, Workload | undefined>();
    const wl = (id: string) => {
      if (!workloads.has(id)) workloads.set(id, this.store.workloads.byId(id));
      return workloads.get(id);
    };
    const acc = new Map<
      string,
      { s: ProjectSample; gpuU: number[]; gpuM: number[]; cpu: number[]; mem: number[]; wl: Set<string> }
    >();
    const slot = (unit: QuotaUnit, poolId: string) => {
      const key = `${unit.id}/${poolId}`;
      let a = acc.get(key);
      if (!a) {
        const q = QuotaUnitService.allocationIn(unit, poolId);
        a = {
          s: {
            unitId: unit.id,
            poolId,
            at: now,
            quota: { gpu: q.gpu.deserved, cpuMilli: q.cpuMilli.deserved, memoryMiB: q.memoryMiB.deserved },
            allocated: zero(),
            allocatedNonPreemptible: zero(),
            requested: zero(),
            utilization: { gpu: null, gpuMemory: null, cpu: null, memory: null },
            pendingWorkloads: 0,
          },
          gpuU: [],
          gpuM: [],
          cpu: [],
          mem: [],
          wl: new Set(),
        };
        acc.set(key, a);
      }
      return a;
    };
    const units = this.store.quotaUnits.list();
    const byId = new Map(units.map((u) => [u.id, u]));
    for (const u of units) {
      slot(u, defaultPool);
      for (const al of u.allocations) if (pools.some((p) => p.id === al.nodePoolId)) slot(u, al.nodePoolId);
    }
    const tasks: Task[] = this.store.tasks.byStates([...PLACED_TASK_STATES, "pending"]);
    for (const t of tasks) {
      const w = wl(t.workloadId);
      const unit = w?.quotaUnitId ? byId.get(w.quotaUnitId) : undefined;
      const role = w?.roles.find((r) => r.name === t.role);
      if (!w || !unit || !role) continue;
      const placed = t.state !== "pending" && t.nodeId !== null;
      const poolId = placed ? (poolOfNode.get(t.nodeId ?? "") ?? defaultPool) : (w.nodePoolId ?? defaultPool);
      const a = slot(unit, poolId);
      plus(a.s.requested, role.resources);
      if (!placed) {
        a.wl.add(w.id);
        continue;
      }
      plus(a.s.allocated, role.resources);
      if (!w.preemptible) plus(a.s.allocatedNonPreemptible, role.resources);
      const node = this.nodes.findById(t.nodeId ?? "");
      if (node) this.utilisation(node, t, a);
    }
    return [...acc.values()].map((a) => ({
      ...a.s,
      pendingWorkloads: a.wl.size,
      utilization: { gpu: mean(a.gpuU), gpuMemory: mean(a.gpuM), cpu: mean(a.cpu), memory: mean(a.mem) },
    }));
  }

  /** Takes one sample of every unit and writes it in one batch; prunes old samples. */
  sample(): number {
    const samples = this.current();
    this.latest = samples;
    this.store.transaction(() => {
      this.store.projectMetrics.insertMany(samples);
      this.store.projectMetrics.prune(this.clock.now() - PROJECT_METRICS_RETENTION_MS);
    });
    return samples.length;
  }

  /** The last sample taken (empty before the first). */
  last(): readonly ProjectSample[] {
    return this.latest;
  }

  range(unitId: string | null, from: number, to: number): ProjectSample[] {
    return this.store.projectMetrics.range(unitId, from, to);
  }

  private utilisation(
    node: Node,
    t: Task,
    a: { gpuU: number[]; gpuM: number[]; cpu: number[]; mem: number[] },
  ): void {
    const m = node.metrics;
    if (!m) return;
    a.cpu.push(m.cpuPercent / 100);
    const total = node.hardware?.memory.totalMiB ?? 0;
    if (total > 0) a.mem.push(m.memoryUsedMiB / total);
    for (const uuid of t.gpuUuids) {
      const parent = node.hardware?.gpus.find((g) => g.uuid === uuid)?.parentUuid;
      const g =
        m.gpus.find((x) => x.uuid === uuid && x.utilizationPercent !== null) ??
        m.gpus.find((x) => x.uuid === parent);
      const u = g?.utilizationPercent ?? null;
      if (u !== null) a.gpuU.push(u / 100);
      const mu = g?.memoryUtilizationPercent ?? null;
      if (mu !== null) a.gpuM.push(mu / 100);
    }
  }
}
