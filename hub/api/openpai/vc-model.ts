import type { Core } from "../../core";
import { nodeCapacity } from "../../core/capacity";
import type { QuotaAllocation, QuotaUnit, Resources } from "../../core/model";
import { NO_QUOTA } from "../../core/quota-units";
import { PaiError } from "./errors";
import { DEFAULT_VC } from "./access";

export type VcStatus = "running" | "stopped";

/** What OpenPAI adds to a virtual-cluster quota unit (meta.openpai). Percentages of the cluster. */
export interface VcMeta {
  capacity: number;
  maxCapacity: number;
  status: VcStatus;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * OpenPAI virtual clusters over core quota units (kind "virtual-cluster"), YARN semantics
 * (docs/compat/openpai.md §7): a VC's capacity is a percentage of the cluster's GPUs (of its CPU and memory on
 * a CPU-only cluster), `default` holds the remainder, and each VC's share becomes its quota unit's
 * allocation in the default node pool: deserved = capacity, limit = maxCapacity. The scheduler
 * enforces those. A VC with an allocation in another node pool is dedicated and read-only here.
 */
export class VirtualClusters {
  constructor(private readonly core: Core) {}

  list(): QuotaUnit[] {
    return this.core.quotaUnits.list("virtual-cluster");
  }

  find(name: string): QuotaUnit | undefined {
    return this.core.quotaUnits.byName("virtual-cluster", name);
  }

  meta(unit: QuotaUnit): VcMeta {
    const m = (unit.meta.openpai ?? {}) as Partial<VcMeta>;
    return {
      capacity: m.capacity ?? 0,
      maxCapacity: m.maxCapacity ?? m.capacity ?? 100,
      status: m.status ?? "running",
    };
  }

  dedicated(unit: QuotaUnit): boolean {
    const pool = this.core.nodePools.defaultPool().id;
    return unit.allocations.some((a) => a.nodePoolId !== pool);
  }

  /** Makes sure `default` exists (it starts with the whole cluster). */
  ensureDefault(): void {
    if (!this.find(DEFAULT_VC)) {
      this.core.quotaUnits.create({
        name: DEFAULT_VC,
        kind: "virtual-cluster",
        meta: { openpai: { capacity: 100, maxCapacity: 100, status: "running" } satisfies VcMeta },
      });
    }
    this.rebalance();
  }

  /** Creates or resizes a VC; refuses with 403 NoEnoughQuotaError when default would go below 0. */
  setCapacity(name: string, capacity: number, maxCapacity: number): { created: boolean } {
    const existing = this.find(name);
    const others = this.shared()
      .filter((u) => u.name !== name && u.name !== DEFAULT_VC)
      .reduce((sum, u) => sum + this.meta(u).capacity, 0);
    if (others + capacity > 100) {
      throw new PaiError(
        403,
        "NoEnoughQuotaError",
        `No enough quota: ${name} asks for ${capacity}%, ${round(100 - others)}% is left in the default virtual cluster.`,
      );
    }
    if (existing) {
      this.saveMeta(existing, { ...this.meta(existing), capacity, maxCapacity });
    } else {
      this.core.quotaUnits.create({
        name,
        kind: "virtual-cluster",
        meta: { openpai: { capacity, maxCapacity, status: "running" } satisfies VcMeta },
      });
    }
    this.rebalance();
    return { created: !existing };
  }

  setStatus(unit: QuotaUnit, status: VcStatus): void {
    this.saveMeta(unit, { ...this.meta(unit), status });
  }

  remove(unit: QuotaUnit): void {
    this.core.quotaUnits.remove(unit);
    this.rebalance();
  }

  /** Default gets the remainder; every shared VC's allocation follows the cluster's size now. */
  rebalance(): void {
    const total = this.clusterTotal();
    const shared = this.shared();
    const othersSum = shared
      .filter((u) => u.name !== DEFAULT_VC)
      .reduce((s, u) => s + this.meta(u).capacity, 0);
    const pool = this.core.nodePools.defaultPool().id;
    for (const unit of shared) {
      let meta = this.meta(unit);
      if (unit.name === DEFAULT_VC)
        meta = { ...meta, capacity: round(Math.max(0, 100 - othersSum)), maxCapacity: 100 };
      const allocations = [allocation(pool, total, meta)];
      if (JSON.stringify(allocations) !== JSON.stringify(unit.allocations) || !sameMeta(unit, meta)) {
        this.core.quotaUnits.save({ ...unit, allocations, meta: { ...unit.meta, openpai: meta } });
      }
    }
  }

  /** The cluster's capacity over every node with a known inventory. */
  clusterTotal(): Resources {
    const total: Resources = { cpuMilli: 0, memoryMiB: 0, gpu: 0 };
    for (const n of this.core.nodes.list()) {
      const c = nodeCapacity(n);
      total.cpuMilli += c.cpuMilli;
      total.memoryMiB += c.memoryMiB;
      total.gpu += c.gpu;
    }
    return total;
  }

  private shared(): QuotaUnit[] {
    return this.list().filter((u) => !this.dedicated(u));
  }

  private saveMeta(unit: QuotaUnit, meta: VcMeta): void {
    this.core.quotaUnits.save({ ...unit, meta: { ...unit.meta, openpai: meta } });
  }
}

function sameMeta(unit: QuotaUnit, meta: VcMeta): boolean {
  return JSON.stringify(unit.meta.openpai) === JSON.stringify(meta);
}

/** A share of the cluster: GPUs when it has any, otherwise CPU and memory. */
function allocation(nodePoolId: string, total: Resources, meta: VcMeta): QuotaAllocation {
  const share = (n: number, pct: number) => round((n * pct) / 100);
  const amount = (n: number) => ({
    deserved: share(n, meta.capacity),
    limit: share(n, meta.maxCapacity),
    overQuotaWeight: 1,
  });
  if (total.gpu > 0) {
    return { nodePoolId, gpu: amount(total.gpu), cpuMilli: NO_QUOTA, memoryMiB: NO_QUOTA };
  }
  return { nodePoolId, gpu: NO_QUOTA, cpuMilli: amount(total.cpuMilli), memoryMiB: amount(total.memoryMiB) };
}
