import type { Core } from "../../core";
import type { QuotaAllocation, QuotaAmount, QuotaUnit, Resources } from "../../core/model";
import { PLACED_TASK_STATES } from "../../core/model";
import { META_KEY } from "./workspace-ids";
import { workspaceMeta, type WorkspaceMeta } from "./workspace-meta";

/** -1: no limit (ModelArts's word for an unlimited quota). */
export const UNLIMITED = -1;

/** One ModelArts quota resource of a workspace, and the core resource it is written to. */
interface QuotaResource {
  resource: string;
  core: keyof Resources;
  /** Core units per ModelArts unit (1000 millicores a vCPU, 1024 MiB a GB). */
  scale: number;
  name_en: string;
  name_cn: string;
  unit_en: string;
  unit_cn: string;
  max: number;
}

/**
 * The quota resources a workspace shows (names chosen by us; ModelArts's own are per product).
 * Each is an allocation amount of the workspace's quota unit in the hub's default node pool.
 */
export const QUOTA_RESOURCES: readonly QuotaResource[] = [
  {
    resource: "modelarts.gpu",
    core: "gpu",
    scale: 1,
    name_en: "GPU cards",
    name_cn: "GPU卡数",
    unit_en: "card",
    unit_cn: "卡",
    max: 100_000,
  },
  {
    resource: "modelarts.cpu",
    core: "cpuMilli",
    scale: 1000,
    name_en: "vCPUs",
    name_cn: "CPU核数",
    unit_en: "core",
    unit_cn: "核",
    max: 10_000_000,
  },
  {
    resource: "modelarts.memory",
    core: "memoryMiB",
    scale: 1024,
    name_en: "Memory",
    name_cn: "内存",
    unit_en: "GB",
    unit_cn: "GB",
    max: 100_000_000,
  },
];

export const resourceNamed = (name: string): QuotaResource | undefined =>
  QUOTA_RESOURCES.find((r) => r.resource === name);

/** What the unit's work holds now (placed tasks of its live workloads), in core units. */
export function unitUse(core: Core, unit: QuotaUnit): Resources {
  const use: Resources = { gpu: 0, cpuMilli: 0, memoryMiB: 0 };
  for (const w of core.workloads.list({ states: ["pending", "running", "stopping"] })) {
    if (w.quotaUnitId !== unit.id) continue;
    for (const t of core.workloads.tasks(w.id)) {
      if (!PLACED_TASK_STATES.has(t.state)) continue;
      const role = w.roles.find((r) => r.name === t.role);
      if (!role) continue;
      use.gpu += t.gpuUuids.length || role.resources.gpu;
      use.cpuMilli += role.resources.cpuMilli;
      use.memoryMiB += role.resources.memoryMiB;
    }
  }
  return use;
}

/** The node pool a workspace's quota is written to: its first default pool, else the hub's. */
export function quotaPoolId(core: Core, unit: QuotaUnit): string {
  return unit.defaultNodePools?.[0] ?? core.nodePools.defaultPool().id;
}

/**
 * The allocation a workspace's ModelArts quotas stand for in its pool: a quota N is N deserved
 * and N as the limit (work of the workspace runs within it, preemptible or not); -1 deserves what
 * the pool has now (recomputed when nodes change) with no limit, so that its non-preemptible work
 * (notebooks) runs anywhere in the pool.
 */
export function derivedAllocation(core: Core, unit: QuotaUnit, meta: WorkspaceMeta): QuotaAllocation {
  const poolId = quotaPoolId(core, unit);
  const capacity = core.capacity.ofPool(poolId);
  const amount = (r: QuotaResource): QuotaAmount => {
    const q = meta.quotas?.[r.resource]?.quota ?? UNLIMITED;
    return q === UNLIMITED
      ? { deserved: capacity[r.core], limit: null, overQuotaWeight: 1 }
      : { deserved: q * r.scale, limit: q * r.scale, overQuotaWeight: 1 };
  };
  const byCore = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r.core, amount(r)])) as Record<
    keyof Resources,
    QuotaAmount
  >;
  return { nodePoolId: poolId, gpu: byCore.gpu, cpuMilli: byCore.cpuMilli, memoryMiB: byCore.memoryMiB };
}

/** The unit with its derived allocation in place of the one it had in that pool. */
export function withDerivedAllocation(core: Core, unit: QuotaUnit): QuotaUnit {
  const allocation = derivedAllocation(core, unit, workspaceMeta(unit));
  return {
    ...unit,
    allocations: [...unit.allocations.filter((a) => a.nodePoolId !== allocation.nodePoolId), allocation],
  };
}

/**
 * Rewrites the derived allocation of every workspace ModelArts made whose quota depends on the
 * hub's size (onClusterChange): not a request to lower quota (saveDerived).
 */
export function refreshDerivedQuotas(core: Core): void {
  for (const unit of core.quotaUnits.list("workspace")) {
    if (unit.meta[META_KEY] === undefined) continue;
    const next = withDerivedAllocation(core, unit);
    if (JSON.stringify(next.allocations) !== JSON.stringify(unit.allocations))
      core.quotaUnits.saveDerived(next);
  }
}

/** The workspace's quota in ModelArts words for one resource: its own, or read from the unit's allocation. */
export function quotaOf(core: Core, unit: QuotaUnit, r: QuotaResource): number {
  if (unit.kind === "workspace") return workspaceMeta(unit).quotas?.[r.resource]?.quota ?? UNLIMITED;
  // A unit another face made: its limit in the pool, as a whole number of ModelArts units.
  const a = unit.allocations.find((x) => x.nodePoolId === quotaPoolId(core, unit));
  const limit = a?.[r.core].limit ?? null;
  return limit === null ? UNLIMITED : Math.floor(limit / r.scale);
}

/** The `quotas` list of GET /workspaces/{id}/quotas (`used_quota` null where unlimited). */
export function presentQuotas(core: Core, unit: QuotaUnit, withUse: boolean) {
  const use = unitUse(core, unit);
  const meta = unit.kind === "workspace" ? workspaceMeta(unit) : undefined;
  return QUOTA_RESOURCES.map((r) => {
    const quota = quotaOf(core, unit, r);
    return {
      resource: r.resource,
      quota,
      min_quota: UNLIMITED,
      max_quota: r.max,
      name_en: r.name_en,
      name_cn: r.name_cn,
      unit_en: r.unit_en,
      unit_cn: r.unit_cn,
      update_time: meta?.quotas?.[r.resource]?.updateTime ?? unit.createdAt,
      ...(withUse ? { used_quota: quota === UNLIMITED ? null : Math.ceil(use[r.core] / r.scale) } : {}),
    };
  });
}
