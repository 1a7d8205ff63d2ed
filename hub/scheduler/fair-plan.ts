/**
 * The fair-share planner (Run:ai semantics, docs/native-api.md "Quota units / workloads"). Per node
 * pool and resource:
 * 1. fair share = deserved + weighted part of what others leave idle, within limit (fair-share.ts);
 * 2. round 1 places work that keeps its unit within its fair share, starved units first; work that
 *    does not fit there reclaims: it preempts preemptible tasks of units above their fair share
 *    (reclaim.ts) and waits for them to stop;
 * 3. round 2 lends what is still idle to work over its fair share, units furthest below their share
 *    first, work without a quota unit last; nothing is lent while starved work waits on a reclaim.
 * Gates on every placement: a unit's limit, non-preemptible work within deserved quota, and a
 * department's limit over the sum of its projects. Pure: the caller re-checks and commits.
 */
import { fairShares, type ParentQuota, type UnitQueue } from "./fair-share";
import type {
  Amounts,
  FairPending,
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
import { chooseOwnVictims, chooseVictims, type Reclaim } from "./reclaim";
import type { Assignment } from "./snapshot";

const EPS = 1e-9;

export function planFairShare(s: FairSnapshot): FairPlan {
  const units = new Map(s.units.map((u) => [u.id, u]));
  const poolName = (id: string) => s.pools.find((p) => p.id === id)?.name ?? id;
  const parents = new Set(s.units.flatMap((u) => (u.parentId ? [u.parentId] : [])));

  const usage = new Ledger();
  const np = new Ledger();
  const usageNodes = new NodeUsage(s.nodes);
  for (const r of s.running) {
    if (r.preempting) {
      usageNodes.free(r.nodeId, { ...r.request, gpuUuids: r.gpuUuids });
      continue;
    }
    usage.add(r.poolId, r.unitId, r.request);
    if (!r.preemptible) np.add(r.poolId, r.unitId, r.request);
  }
  const groups = groupPending(s, units);
  const demand = usage.clone();
  for (const g of groups) if (g.pools[0]) demand.add(g.pools[0], g.unitId, g.request);

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
  const fairOf = (poolId: string, unitId: string | null): Amounts =>
    (unitId && fair.get(poolId)?.get(unitId)) || zero();

  const planned = usage.clone();
  const plannedNp = np.clone();
  const assignments: Assignment[] = [];
  const preemptions: Preemption[] = [];
  const chosen = new Set<string>();
  const waiting = new Map<string, string>();
  const heldFor = new Map<string, string>();
  const name = (unitId: string | null) => {
    const u = unitId ? units.get(unitId) : undefined;
    return u ? `${u.kind} ${u.name}` : "work without a quota unit";
  };
  const main = (g: Group): ResourceKey => (g.request.gpu > 0 ? "gpu" : "cpuMilli");
  const ratio = (g: Group): number => {
    const p = g.pools[0];
    if (!p || g.unitId === null) return Number.POSITIVE_INFINITY;
    const f = fairOf(p, g.unitId)[main(g)];
    const u = planned.get(p, g.unitId)[main(g)];
    return f > EPS ? u / f : u > 0 ? Number.POSITIVE_INFINITY : 0;
  };
  const wait = (g: Group, reason: string) => {
    for (const t of g.tasks) waiting.set(t.taskId, reason);
  };
  const commit = (g: Group, poolId: string, as: Assignment[], reserve: boolean) => {
    for (const a of as) {
      const t = g.tasks.find((x) => x.taskId === a.taskId);
      if (!t) continue;
      if (reserve) usageNodes.reserve(a, t.cpuMilli, t.memoryMiB);
      else usageNodes.take(a, t.cpuMilli, t.memoryMiB);
    }
    if (!reserve) assignments.push(...as);
    planned.add(poolId, g.unitId, g.request);
    if (!g.preemptible) plannedNp.add(poolId, g.unitId, g.request);
  };

  /** A quota rule that holds the group back in this pool, or null. */
  const gate = (g: Group, poolId: string): string | null => {
    const unit = g.unitId ? units.get(g.unitId) : undefined;
    if (!unit) return null;
    const where = `in pool ${poolName(poolId)}`;
    for (const r of RESOURCES) {
      const need = g.request[r];
      if (need <= 0) continue;
      const q = quotaOf(unit, poolId, r);
      const used = planned.get(poolId, unit.id)[r];
      if (q.limit !== null && used + need > q.limit + EPS) {
        return `${name(unit.id)} ${used >= q.limit - EPS ? "is at" : "would exceed"} its limit of ${amountText(r, q.limit)} ${where}`;
      }
      if (!g.preemptible && plannedNp.get(poolId, unit.id)[r] + need > q.deserved + EPS) {
        return `non-preemptible work may not exceed deserved quota (${amountText(r, q.deserved)}) of ${name(unit.id)} ${where}`;
      }
      const parent = unit.parentId ? units.get(unit.parentId) : undefined;
      const pq = parent ? quotaOf(parent, poolId, r) : undefined;
      if (parent && pq && pq.limit !== null) {
        const sum = planned.sum(poolId, r, (u) => units.get(u)?.parentId === parent.id);
        if (sum + need > pq.limit + EPS) {
          return `department ${parent.name} caps its projects at ${amountText(r, pq.limit)} ${where}`;
        }
      }
    }
    return null;
  };
  const withinFair = (g: Group, poolId: string): boolean =>
    g.unitId !== null &&
    RESOURCES.every(
      (r) =>
        g.request[r] <= 0 ||
        planned.get(poolId, g.unitId)[r] + g.request[r] <= fairOf(poolId, g.unitId)[r] + EPS,
    );
  const fits = (g: Group, plan: ReturnType<typeof place>) => plan.assignments.length === g.tasks.length;
  /** Places the whole group in the pool's idle capacity and commits it; null when done, else why not. */
  const placeIdle = (g: Group, poolId: string): string | null => {
    const plan = place(usageNodes.views(poolId), g.tasks);
    if (!fits(g, plan)) return plan.waiting.get(g.tasks[0]?.taskId ?? "") ?? "does not fit";
    commit(g, poolId, plan.assignments, false);
    return null;
  };

  /** Why a group waits: every pool it may use, for whom, and the first obstacle. */
  const explain = (g: Group, first: string | null): string => {
    if (g.pools.length === 0) return `no node pool to run in for ${name(g.unitId)}`;
    const why = first ?? "does not fit";
    if (g.pools.length === 1) return why;
    return `no room in pools ${g.pools.map(poolName).join(", ")} for ${name(g.unitId)}: ${why}`;
  };
  const preempt = (g: Group, poolId: string, r: Reclaim, why: string) => {
    for (const v of r.victims) {
      chosen.add(v.taskId);
      planned.add(poolId, v.unitId, v.request, -1);
      usageNodes.free(v.nodeId, { ...v.request, gpuUuids: v.gpuUuids });
      preemptions.push({
        taskId: v.taskId,
        reason: `preempted ${why} in pool ${poolName(poolId)}`,
      });
    }
    commit(g, poolId, r.plan.assignments, true);
    const owners = [...new Set(r.owners.map(name))].join(", ");
    wait(g, `waiting for preempted tasks of ${owners} to stop`);
    heldFor.set(poolId, name(g.unitId));
  };

  /** Stops lower-priority preemptible work of the group's own unit in the first pool where that helps. */
  const ownPriority = (g: Group, poolIds: readonly string[]): boolean => {
    for (const poolId of poolIds) {
      const r = chooseOwnVictims({
        group: g,
        poolId,
        running: s.running,
        alreadyChosen: chosen,
        fairOf,
        planned,
        tryPlace: (extra) => place(usageNodes.reclaimViews(poolId, extra), g.tasks),
        fits: (p) => fits(g, p),
      });
      if (!r) continue;
      preempt(g, poolId, r, `for higher-priority work (${g.priority}) of ${name(g.unitId)}`);
      return true;
    }
    return false;
  };

  // Round 1: within fair share, starved units first; reclaim when the pool is full.
  const round2: Group[] = [];
  const round1 = groups
    .filter((g) => g.unitId !== null)
    .sort((a, b) => ratio(a) - ratio(b) || b.priority - a.priority);
  for (const g of round1) {
    let first: string | null = null;
    let deferred = false;
    let done = false;
    // The first listed pool where it fits within its quota rules wins; reclaim only when none does.
    const full: string[] = [];
    for (const poolId of g.pools) {
      const blocked = gate(g, poolId);
      if (blocked) {
        first ??= blocked;
        continue;
      }
      if (!withinFair(g, poolId)) {
        deferred = true;
        continue;
      }
      const why = placeIdle(g, poolId);
      if (why === null) {
        done = true;
        break;
      }
      full.push(poolId);
      first ??= why;
    }
    for (const poolId of done ? [] : full) {
      const r = chooseVictims({
        group: g,
        poolId,
        running: s.running,
        alreadyChosen: chosen,
        fairOf,
        planned,
        tryPlace: (extra) => place(usageNodes.reclaimViews(poolId, extra), g.tasks),
        fits: (p) => fits(g, p),
      });
      if (r) {
        const f = amountText(main(g), fairOf(poolId, g.unitId)[main(g)]);
        preempt(g, poolId, r, `to give ${name(g.unitId)} its fair share (${f})`);
        done = true;
        break;
      }
    }
    if (done || (!deferred && ownPriority(g, full))) continue;
    if (deferred) round2.push(g);
    else wait(g, explain(g, first));
  }

  // Round 2: lend what is idle, least served units first, no-quota work last.
  round2.push(...groups.filter((g) => g.unitId === null));
  round2.sort((a, b) => ratio(a) - ratio(b) || b.priority - a.priority);
  for (const g of round2) {
    let first: string | null = null;
    let done = false;
    const full: string[] = [];
    for (const poolId of g.pools) {
      const blocked = gate(g, poolId);
      const held = heldFor.get(poolId);
      if (blocked || held) {
        first ??=
          blocked ?? `idle capacity in pool ${poolName(poolId)} is held for ${held}, below its fair share`;
        continue;
      }
      const why = placeIdle(g, poolId);
      if (why === null) {
        done = true;
        break;
      }
      full.push(poolId);
      const f = g.unitId ? fairOf(poolId, g.unitId)[main(g)] : 0;
      first ??= g.unitId
        ? `${name(g.unitId)} is over its fair share (${amountText(main(g), f)}) in pool ${poolName(poolId)} and nothing idle fits: ${why}`
        : why;
    }
    if (!done && !ownPriority(g, full)) wait(g, explain(g, first));
  }
  return { assignments, waiting, preemptions, fairShares: fair };
}

/** Gangs together, single tasks alone; each with its unit's pool order. */
function groupPending(s: FairSnapshot, units: Map<string, FairUnit>): Group[] {
  const out: Group[] = [];
  const byGang = new Map<string, Group>();
  const defaultPool = s.pools.find((p) => p.name === "default")?.id;
  for (const t of s.pending) {
    let g = t.gang !== null ? byGang.get(t.gang) : undefined;
    if (!g) {
      g = {
        tasks: [],
        unitId: t.unitId,
        preemptible: t.preemptible,
        priority: t.priority,
        request: zero(),
        pools: poolOrder(t, t.unitId ? units.get(t.unitId) : undefined, s, defaultPool),
      };
      out.push(g);
      if (t.gang !== null) byGang.set(t.gang, g);
    }
    g.tasks.push(t);
    g.request.gpu += t.gpu;
    g.request.cpuMilli += t.cpuMilli;
    g.request.memoryMiB += t.memoryMiB;
  }
  return out;
}

/**
 * The pool asked for; else the unit's default pools only, in order; else (no pool policy) pools
 * where it has quota, default, the rest.
 */
function poolOrder(
  t: FairPending,
  unit: FairUnit | undefined,
  s: FairSnapshot,
  defaultPool?: string,
): string[] {
  if (t.poolId !== null) return [t.poolId];
  const known = (id: string) => s.pools.some((p) => p.id === id);
  if (unit?.defaultPools) return [...new Set(unit.defaultPools)].filter(known);
  const order: string[] = [];
  for (const [poolId, q] of unit?.quotas ?? [])
    if (RESOURCES.some((r) => q[r].deserved > 0)) order.push(poolId);
  if (defaultPool) order.push(defaultPool);
  order.push(...s.pools.map((p) => p.id));
  return [...new Set(order)].filter(known);
}
