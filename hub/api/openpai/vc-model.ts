import type { Core } from "../../core";
import { QuotaBelowUseError } from "../../core/errors";
import type { QuotaAllocation, QuotaUnit, Resources } from "../../core/model";
import { NO_QUOTA, QuotaUnitService } from "../../core/quota-units";
import { PaiError } from "./errors";
import { DEFAULT_VC } from "./access";
import { findVc, vcName, vcUnits } from "./vc-names";

export type VcStatus = "running" | "stopped";

/** What OpenPAI adds to a virtual-cluster quota unit (meta.openpai). Percentages of the cluster. */
export interface VcMeta {
  capacity: number;
  maxCapacity: number;
  status: VcStatus;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;
const UNITS = { gpu: "GPUs", cpuMilli: "millicores", memoryMiB: "MiB of memory" } as const;

/**
 * OpenPAI virtual clusters over core quota units (kind "virtual-cluster"), YARN semantics
 * (docs/compat/openpai.md §7): a VC's capacity is a percentage of the cluster's GPUs (of its CPU and memory on
 * a CPU-only cluster), `default` holds the remainder, and each VC's share becomes its quota unit's
 * allocation in the default node pool: deserved = capacity, limit = maxCapacity. The scheduler
 * enforces those. A VC with an allocation in another node pool is dedicated and read-only here.
 *
 * Units made on other faces (a Run:ai project, an OTE business) are virtual clusters too, under
 * their VC name (vc-names.ts): jobs run in them, their capacity is read from their allocations,
 * and they are read-only here (their quota is written in their own face's grammar).
 */
export class VirtualClusters {
  constructor(private readonly core: Core) {}

  /** Every unit shown as a virtual cluster. */
  list(): QuotaUnit[] {
    return vcUnits(this.core).map((v) => v.unit);
  }

  /** By VC name, or by the name or any alias of a unit made elsewhere. */
  find(name: string): QuotaUnit | undefined {
    return findVc(this.core, name);
  }

  /** The unit's VC name (an alias where its own name is not a valid VC name). */
  nameOf(unit: QuotaUnit): string {
    return vcName(this.core, unit);
  }

  /** Made through OpenPAI: its capacity is OpenPAI's to write. */
  own(unit: QuotaUnit): boolean {
    return unit.kind === "virtual-cluster";
  }

  meta(unit: QuotaUnit): VcMeta {
    if (!this.own(unit)) return this.derivedMeta(unit);
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

  /**
   * The names of the nodes the VC's jobs can run on: those in the node pools it has an allocation
   * in (the default pool when it has none), and in its cluster when it belongs to one.
   */
  nodeNames(unit: QuotaUnit): string[] {
    const pools = this.core.nodePools.list();
    const mine = new Set(
      unit.allocations.length
        ? unit.allocations.map((a) => a.nodePoolId)
        : [this.core.nodePools.defaultPool().id],
    );
    return this.core.nodes
      .list()
      .filter((n) => unit.clusterId === null || n.clusterId === unit.clusterId)
      .filter((n) => mine.has(this.core.nodePools.poolOf(n, pools).id))
      .map((n) => n.name)
      .sort();
  }

  /** Makes sure `default` exists (it starts with the whole cluster). */
  ensureDefault(): void {
    if (!this.core.quotaUnits.byName("virtual-cluster", DEFAULT_VC)) {
      this.core.quotaUnits.create({
        name: DEFAULT_VC,
        kind: "virtual-cluster",
        meta: { openpai: { capacity: 100, maxCapacity: 100, status: "running" } satisfies VcMeta },
      });
    }
    this.rebalance();
  }

  /**
   * Creates or resizes a VC; refuses with 403 NoEnoughQuotaError when default would go below 0, or
   * when this VC or default would get fewer deserved resources than their running
   * non-preemptible jobs hold now (the core's quota-lowering rule).
   */
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
      const next = { ...this.meta(existing), capacity, maxCapacity };
      this.checkLowering(this.plan(new Map([[existing.id, next]]), 0));
      this.core.quotaUnits.setMeta(existing, "openpai", next);
    } else {
      this.checkLowering(this.plan(new Map(), capacity));
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
    this.core.quotaUnits.setMeta(unit, "openpai", { ...this.meta(unit), status });
  }

  remove(unit: QuotaUnit): void {
    this.core.quotaUnits.remove(unit);
    this.rebalance();
  }

  /**
   * Default gets the remainder; every shared VC's allocation follows the cluster's size now.
   * These are derived saves: nodes coming and going are not a request to lower anyone's quota.
   */
  rebalance(): void {
    for (const p of this.plan(new Map(), 0)) {
      if (JSON.stringify(p.allocations) !== JSON.stringify(p.unit.allocations) || !sameMeta(p.unit, p.meta)) {
        this.core.quotaUnits.saveDerived({
          ...p.unit,
          allocations: p.allocations,
          meta: { ...p.unit.meta, openpai: p.meta },
        });
      }
    }
  }

  /** The cluster's capacity over every node with a known inventory (core/capacity-totals.ts). */
  clusterTotal(): Resources {
    return this.core.capacity.cluster();
  }

  /**
   * Every shared VC's metadata and allocation once `changed` metas are in place and a VC of
   * `added` percent more is made (default holds what is left).
   */
  private plan(
    changed: ReadonlyMap<string, VcMeta>,
    added: number,
  ): { unit: QuotaUnit; meta: VcMeta; allocations: QuotaAllocation[] }[] {
    const total = this.clusterTotal();
    const shared = this.shared();
    const metaOf = (u: QuotaUnit) => changed.get(u.id) ?? this.meta(u);
    const othersSum =
      added + shared.filter((u) => u.name !== DEFAULT_VC).reduce((s, u) => s + metaOf(u).capacity, 0);
    const pool = this.core.nodePools.defaultPool().id;
    return shared.map((unit) => {
      let meta = metaOf(unit);
      if (unit.name === DEFAULT_VC)
        meta = { ...meta, capacity: round(Math.max(0, 100 - othersSum)), maxCapacity: 100 };
      return { unit, meta, allocations: [allocation(pool, total, meta)] };
    });
  }

  /** The core's rule, in OpenPAI's words: 403 NoEnoughQuotaError. */
  private checkLowering(planned: readonly { unit: QuotaUnit; allocations: QuotaAllocation[] }[]): void {
    try {
      for (const p of planned) this.core.quotaUnits.checkLowering(p.unit, p.allocations);
    } catch (err) {
      if (!(err instanceof QuotaBelowUseError)) throw err;
      throw new PaiError(
        403,
        "NoEnoughQuotaError",
        `No enough quota: virtual cluster ${err.unitName} would get ${round(err.deserved)} ${UNITS[err.resource]}, fewer than the ${round(err.used)} its running non-preemptible jobs use.`,
      );
    }
  }

  /** A unit made elsewhere, as a share of the cluster: its allocation in the default pool. */
  private derivedMeta(unit: QuotaUnit): VcMeta {
    const total = this.clusterTotal();
    const a = QuotaUnitService.allocationIn(unit, this.core.nodePools.defaultPool().id);
    const [q, of] = total.gpu > 0 ? [a.gpu, total.gpu] : [a.cpuMilli, total.cpuMilli];
    const pct = (n: number) => (of > 0 ? round(Math.min(100, (n * 100) / of)) : 0);
    return {
      capacity: pct(q.deserved),
      maxCapacity: q.limit === null ? 100 : pct(q.limit),
      status: "running",
    };
  }

  /** OpenPAI's own VCs whose allocation is a share of the default pool. */
  private shared(): QuotaUnit[] {
    return this.list().filter((u) => this.own(u) && !this.dedicated(u));
  }
}

function sameMeta(unit: QuotaUnit, meta: VcMeta): boolean {
  return JSON.stringify(unit.meta.openpai) === JSON.stringify(meta);
}

/**
 * A share of the cluster: `capacity` percent of its GPUs, CPU and memory deserved, `maxCapacity`
 * percent as the limit (YARN's capacity applies to every resource). CPU and memory are shared on
 * a GPU cluster too: OpenPAI jobs are not preemptible, and non-preemptible work runs only within
 * deserved quota of every resource it asks for. A cluster without GPUs shares none (no GPU cap).
 */
function allocation(nodePoolId: string, total: Resources, meta: VcMeta): QuotaAllocation {
  const share = (n: number, pct: number) => round((n * pct) / 100);
  const amount = (n: number) => ({
    deserved: share(n, meta.capacity),
    limit: share(n, meta.maxCapacity),
    overQuotaWeight: 1,
  });
  return {
    nodePoolId,
    gpu: total.gpu > 0 ? amount(total.gpu) : NO_QUOTA,
    cpuMilli: amount(total.cpuMilli),
    memoryMiB: amount(total.memoryMiB),
  };
}
