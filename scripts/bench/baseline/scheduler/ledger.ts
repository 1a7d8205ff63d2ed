import type { Amounts, ResourceKey } from "./fair-snapshot";
import { RESOURCES, zero } from "./fair-snapshot";

/** The key of the no-quota bucket (workloads without a quota unit). */
export const NO_UNIT = "";

/** Amounts per pool id and unit id (NO_UNIT for work without one). */
export class Ledger {
  private readonly m = new Map<string, Map<string, Amounts>>();

  get(poolId: string, unitId: string | null): Amounts {
    return this.m.get(poolId)?.get(unitId ?? NO_UNIT) ?? zero();
  }

  add(poolId: string, unitId: string | null, a: Amounts, sign = 1): void {
    let byUnit = this.m.get(poolId);
    if (!byUnit) {
      byUnit = new Map();
      this.m.set(poolId, byUnit);
    }
    const key = unitId ?? NO_UNIT;
    const cur = byUnit.get(key) ?? zero();
    for (const r of RESOURCES) cur[r] += sign * a[r];
    byUnit.set(key, cur);
  }

  /** Sum over units for which `keep` holds. */
  sum(poolId: string, r: ResourceKey, keep: (unitId: string) => boolean): number {
    let s = 0;
    for (const [u, a] of this.m.get(poolId) ?? []) if (keep(u)) s += a[r];
    return s;
  }

  clone(): Ledger {
    const c = new Ledger();
    for (const [p, byUnit] of this.m) for (const [u, a] of byUnit) c.add(p, u === NO_UNIT ? null : u, a);
    return c;
  }
}
