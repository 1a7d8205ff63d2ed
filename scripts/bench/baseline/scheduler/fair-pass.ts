/**
 * One fair-share planning pass: what runs and what this pass has planned so far (per pool and
 * unit), each unit's fair share, and the steps the rounds in fair-plan.ts are made of (quota gates,
 * placing in idle capacity, reclaiming, waiting reasons). Pure: nothing here writes.
 */
import { fairShares, type ParentQuota, type UnitQueue } from "./fair-share";
import { groupPending } from "./fair-groups";
import type {
  Amounts,
  FairPlan,
  FairSnapshot,
  FairUnit,
  Group,
  Preemption,
  ResourceKey,
} from "./fair-snapshot";
import { amountText, quotaOf, RESOURCES, zero } from "./fair-snapshot";
import { Ledger } from "./ledger";
import { NodeUsage } from "./node-usage";
import { place } from "./place";
import { chooseOwnVictims, chooseVictims, type Reclaim, type ReclaimInput } from "./reclaim";
import type { Assignment, Plan } from "./snapshot";

const EPS = 1e-9;

export class FairPass {
  /** Pending work in placement groups, in snapshot (oldest first) order. */
  readonly groups: Group[];
  private readonly units: Map<string, FairUnit>;
  private readonly fair: Map<string, Map<string, Amounts>>;
  private readonly usageNodes: NodeUsage;
  /** Use per pool and unit: what runs (not being preempted) plus what this pass placed. */
  private readonly planned: Ledger;
  /** The non-preemptible part of `planned`. */
  private readonly plannedNp: Ledger;
  private readonly assignments: Assignment[] = [];
  private readonly preemptions: Preemption[] = [];
  /** Tasks chosen as victims in this pass. */
  private readonly chosen = new Set<string>();
  /** Task id -> why it waits. */
  private readonly waiting = new Map<string, string>();
  /** Pool id -> the unit whose reclaim holds that pool's idle capacity in this pass. */
  private readonly heldFor = new Map<string, string>();

  constructor(private readonly s: FairSnapshot) {
    this.units = new Map(s.units.map((u) => [u.id, u]));
    const usage = new Ledger();
    const np = new Ledger();
    this.usageNodes = new NodeUsage(s.nodes);
    for (const r of s.running) {
      if (r.preempting) {
        this.usageNodes.free(r.nodeId, { ...r.request, gpuUuids: r.gpuUuids });
        continue;
      }
      usage.add(r.poolId, r.unitId, r.request);
      if (!r.preemptible) np.add(r.poolId, r.unitId, r.request);
    }
    this.groups = groupPending(s, this.units);
    const demand = usage.clone();
    for (const g of this.groups) if (g.pools[0]) demand.add(g.pools[0], g.unitId, g.request);
    this.fair = poolFairShares(s, this.units, demand);
    this.planned = usage.clone();
    this.plannedNp = np.clone();
  }

  result(): FairPlan {
    return {
      assignments: this.assignments,
      waiting: this.waiting,
      preemptions: this.preemptions,
      fairShares: this.fair,
    };
  }

  readonly fairOf = (poolId: string, unitId: string | null): Amounts =>
    (unitId && this.fair.get(poolId)?.get(unitId)) || zero();

  poolName(id: string): string {
    return this.s.pools.find((p) => p.id === id)?.name ?? id;
  }

  /** "project ml-a", or what work without a unit is called in reasons. */
  name(unitId: string | null): string {
    const u = unitId ? this.units.get(unitId) : undefined;
    return u ? `${u.kind} ${u.name}` : "work without a quota unit";
  }

  /** The resource that orders and explains a group: GPUs when it asks for any, else CPU. */
  main(g: Group): ResourceKey {
    return g.request.gpu > 0 ? "gpu" : "cpuMilli";
  }

  /** Planned use over fair share in the group's first pool; work without a unit sorts last. */
  ratio(g: Group): number {
    const p = g.pools[0];
    if (!p || g.unitId === null) return Number.POSITIVE_INFINITY;
    const f = this.fairOf(p, g.unitId)[this.main(g)];
    const u = this.planned.get(p, g.unitId)[this.main(g)];
    return f > EPS ? u / f : u > 0 ? Number.POSITIVE_INFINITY : 0;
  }

  /** The unit whose reclaim holds the pool's idle capacity in this pass, or undefined. */
  heldBy(poolId: string): string | undefined {
    return this.heldFor.get(poolId);
  }

  wait(g: Group, reason: string): void {
    for (const t of g.tasks) this.waiting.set(t.taskId, reason);
  }

  /** A quota rule that holds the group back in this pool, or null. */
  gate(g: Group, poolId: string): string | null {
    const unit = g.unitId ? this.units.get(g.unitId) : undefined;
    if (!unit) return null;
    const where = `in pool ${this.poolName(poolId)}`;
    for (const r of RESOURCES) {
      const need = g.request[r];
      if (need <= 0) continue;
      const q = quotaOf(unit, poolId, r);
      const used = this.planned.get(poolId, unit.id)[r];
      if (q.limit !== null && used + need > q.limit + EPS) {
        return `${this.name(unit.id)} ${used >= q.limit - EPS ? "is at" : "would exceed"} its limit of ${amountText(r, q.limit)} ${where}`;
      }
      if (!g.preemptible && this.plannedNp.get(poolId, unit.id)[r] + need > q.deserved + EPS) {
        return `non-preemptible work may not exceed deserved quota (${amountText(r, q.deserved)}) of ${this.name(unit.id)} ${where}`;
      }
      const parent = unit.parentId ? this.units.get(unit.parentId) : undefined;
      const pq = parent ? quotaOf(parent, poolId, r) : undefined;
      if (parent && pq && pq.limit !== null) {
        const sum = this.planned.sum(poolId, r, (u) => this.units.get(u)?.parentId === parent.id);
        if (sum + need > pq.limit + EPS) {
          return `department ${parent.name} caps its projects at ${amountText(r, pq.limit)} ${where}`;
        }
      }
    }
    return null;
  }

  /** Whether placing the group keeps its unit within its fair share in the pool. */
  withinFair(g: Group, poolId: string): boolean {
    const unitId = g.unitId;
    return (
      unitId !== null &&
      RESOURCES.every(
        (r) =>
          g.request[r] <= 0 ||
          this.planned.get(poolId, unitId)[r] + g.request[r] <= this.fairOf(poolId, unitId)[r] + EPS,
      )
    );
  }

  /** Places the whole group in the pool's idle capacity and commits it; null when done, else why not. */
  placeIdle(g: Group, poolId: string): string | null {
    const plan = place(this.usageNodes.views(poolId), g.tasks);
    if (!this.fits(g, plan)) return plan.waiting.get(g.tasks[0]?.taskId ?? "") ?? "does not fit";
    this.commit(g, poolId, plan.assignments, false);
    return null;
  }

  /**
   * Reclaim for work within its fair share: preempts preemptible tasks of units above theirs in
   * the first of `poolIds` where that makes room. True when it did.
   */
  reclaimFairShare(g: Group, poolIds: readonly string[]): boolean {
    for (const poolId of poolIds) {
      const r = chooseVictims(this.reclaimInput(g, poolId));
      if (!r) continue;
      const f = amountText(this.main(g), this.fairOf(poolId, g.unitId)[this.main(g)]);
      this.preempt(g, poolId, r, `to give ${this.name(g.unitId)} its fair share (${f})`);
      return true;
    }
    return false;
  }

  /** Stops lower-priority preemptible work of the group's own unit in the first pool where that helps. */
  ownPriority(g: Group, poolIds: readonly string[]): boolean {
    for (const poolId of poolIds) {
      const r = chooseOwnVictims(this.reclaimInput(g, poolId));
      if (!r) continue;
      this.preempt(g, poolId, r, `for higher-priority work (${g.priority}) of ${this.name(g.unitId)}`);
      return true;
    }
    return false;
  }

  /** Why a group waits: every pool it may use, for whom, and the first obstacle. */
  explain(g: Group, first: string | null): string {
    if (g.pools.length === 0) return `no node pool to run in for ${this.name(g.unitId)}`;
    const why = first ?? "does not fit";
    if (g.pools.length === 1) return why;
    return `no room in pools ${g.pools.map((p) => this.poolName(p)).join(", ")} for ${this.name(g.unitId)}: ${why}`;
  }

  private fits(g: Group, plan: Plan): boolean {
    return plan.assignments.length === g.tasks.length;
  }

  private reclaimInput(g: Group, poolId: string): ReclaimInput {
    return {
      group: g,
      poolId,
      running: this.s.running,
      alreadyChosen: this.chosen,
      fairOf: this.fairOf,
      planned: this.planned,
      tryPlace: (extra) => place(this.usageNodes.reclaimViews(poolId, extra), g.tasks),
      fits: (p) => this.fits(g, p),
    };
  }

  /** Counts the group as placed; `reserve`: its nodes are held while victims stop, not assigned yet. */
  private commit(g: Group, poolId: string, as: Assignment[], reserve: boolean): void {
    for (const a of as) {
      const t = g.tasks.find((x) => x.taskId === a.taskId);
      if (!t) continue;
      if (reserve) this.usageNodes.reserve(a, t.cpuMilli, t.memoryMiB);
      else this.usageNodes.take(a, t.cpuMilli, t.memoryMiB);
    }
    if (!reserve) this.assignments.push(...as);
    this.planned.add(poolId, g.unitId, g.request);
    if (!g.preemptible) this.plannedNp.add(poolId, g.unitId, g.request);
  }

  private preempt(g: Group, poolId: string, r: Reclaim, why: string): void {
    for (const v of r.victims) {
      this.chosen.add(v.taskId);
      this.planned.add(poolId, v.unitId, v.request, -1);
      this.usageNodes.free(v.nodeId, { ...v.request, gpuUuids: v.gpuUuids });
      this.preemptions.push({
        taskId: v.taskId,
        reason: `preempted ${why} in pool ${this.poolName(poolId)}`,
      });
    }
    this.commit(g, poolId, r.plan.assignments, true);
    const owners = [...new Set(r.owners.map((u) => this.name(u)))].join(", ");
    this.wait(g, `waiting for preempted tasks of ${owners} to stop`);
    this.heldFor.set(poolId, this.name(g.unitId));
  }
}

/**
 * Fair share per pool, unit and resource over the pool's ready, schedulable capacity; `demand`
 * is what runs plus what waits, counted in each group's first pool.
 */
function poolFairShares(
  s: FairSnapshot,
  units: ReadonlyMap<string, FairUnit>,
  demand: Ledger,
): Map<string, Map<string, Amounts>> {
  const parents = new Set(s.units.flatMap((u) => (u.parentId ? [u.parentId] : [])));
  const fair = new Map<string, Map<string, Amounts>>();
  for (const pool of s.pools) {
    const cap = zero();
    for (const n of s.nodes) {
      if (n.poolId !== pool.id || !n.ready || !n.schedulable || !n.runtimeAvailable) continue;
      cap.gpu += n.gpus.length;
      cap.cpuMilli += n.capacity.cpuMilli;
      cap.memoryMiB += n.capacity.memoryMiB;
    }
    const byUnit = new Map<string, Amounts>();
    for (const r of RESOURCES) {
      const queues: UnitQueue[] = s.units
        .filter((u) => !parents.has(u.id))
        .map((u) => {
          const q = quotaOf(u, pool.id, r);
          return {
            id: u.id,
            parentId: u.parentId,
            deserved: q.deserved,
            limit: q.limit,
            weight: q.overQuotaWeight,
            demand: demand.get(pool.id, u.id)[r],
            rank: u.ranks?.get(pool.id) ?? 0,
          };
        });
      const own = new Map<string, ParentQuota>();
      for (const id of parents) {
        const q = units.get(id)?.quotas.get(pool.id)?.[r];
        const rank = units.get(id)?.ranks?.get(pool.id);
        if (q) own.set(id, { id, deserved: q.deserved, limit: q.limit, weight: q.overQuotaWeight, rank });
      }
      for (const [id, share] of fairShares(cap[r], queues, own)) {
        const a = byUnit.get(id) ?? zero();
        a[r] = share;
        byUnit.set(id, a);
      }
    }
    fair.set(pool.id, byUnit);
  }
  return fair;
}
