/** Pending tasks grouped for placement (gangs together), each group with the pools it may use. */
import type { FairPending, FairSnapshot, FairUnit, Group } from "./fair-snapshot";
import { RESOURCES, zero } from "./fair-snapshot";

/** Gangs together, single tasks alone; each with its unit's pool order. */
export function groupPending(s: FairSnapshot, units: ReadonlyMap<string, FairUnit>): Group[] {
  const out: Group[] = [];
  const byGang = new Map<string, Group>();
  const defaultPool = s.pools.find((p) => p.name === "default")?.id;
  // The pool order depends only on the pool asked for and the unit: worked out once per pair.
  const orders = new Map<string, string[]>();
  const orderOf = (t: FairPending): string[] => {
    const key = `${t.poolId ?? ""}\u0000${t.unitId ?? ""}`;
    let o = orders.get(key);
    if (!o) {
      o = poolOrder(t, t.unitId ? units.get(t.unitId) : undefined, s, defaultPool);
      orders.set(key, o);
    }
    return [...o];
  };
  for (const t of s.pending) {
    let g = t.gang !== null ? byGang.get(t.gang) : undefined;
    if (!g) {
      g = {
        tasks: [],
        unitId: t.unitId,
        preemptible: t.preemptible,
        priority: t.priority,
        request: zero(),
        pools: orderOf(t),
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
