import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { ProjectSample, QuotaAllocation, QuotaAmount, QuotaUnit } from "../../core/model";
import { QuotaUnitService } from "../../core/quota-units";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";

const RESOURCES = ["gpu", "cpuMilli", "memoryMiB"] as const;

const Amount = z.object({
  deserved: z.number().min(0).optional(),
  /** null: no limit. */
  limit: z.number().min(0).nullable().optional(),
  overQuotaWeight: z.number().min(0).optional(),
});
/** The resources to change in one pool; each field left out keeps its value. */
const PoolQuotaBody = z.object({
  gpu: Amount.optional(),
  cpuMilli: Amount.optional(),
  memoryMiB: Amount.optional(),
});
const PoolQuotaParams = z.object({ id: z.string().min(1), pool: z.string().min(1) });

const amount = (q: QuotaAmount, allocated: number, fairShare: number) => ({
  deserved: q.deserved,
  limit: q.limit,
  overQuotaWeight: q.overQuotaWeight,
  allocated,
  // What the scheduler would give the unit now (deserved, plus its share of idle capacity).
  fairShare: Math.round(fairShare * 100) / 100,
});

/**
 * Quota units (docs/native-api.md "Quota units"): every project, department, virtual cluster,
 * business and workspace with, per node pool it has quota in or uses, and per resource, its
 * deserved quota, limit, over-quota weight, what its placed tasks hold now and its fair share. Any signed-in user
 * may read them (the shared view of who has what).
 */
export function quotaUnitRoutes(router: Router<ApiState>, core: Core): void {
  router.get("/quota-units", authenticate(core.auth), (ctx) => {
    ctx.body = { items: core.quotaUnits.list().map(presenter(core)) };
  });

  // Admins edit a unit's quota in one pool; the core refuses a limit below deserved, or lowering
  // deserved below what the unit's non-preemptible work holds (400 with the field / reason).
  router.put(
    "/quota-units/:id/pools/:pool",
    authenticate(core.auth),
    adminOnly(core.authz),
    validate(PoolQuotaParams, "params"),
    validate(PoolQuotaBody),
    (ctx) => {
      const p = input(ctx, PoolQuotaParams);
      const body = input(ctx, PoolQuotaBody);
      const unit = core.quotaUnits.get(p.id);
      const pool = core.nodePools.get(p.pool);
      const before = QuotaUnitService.allocationIn(unit, pool.id);
      const next: QuotaAllocation = { ...before, nodePoolId: pool.id };
      for (const r of RESOURCES) {
        const change = body[r];
        if (change)
          next[r] = {
            ...before[r],
            ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
          };
      }
      const others = unit.allocations.filter((a) => a.nodePoolId !== pool.id);
      const saved = core.quotaUnits.save({ ...unit, allocations: [...others, next] });
      ctx.body = presenter(core)(saved);
    },
  );
}

/** QuotaUnit JSON, with what each unit holds now per pool (one snapshot of use per call). */
function presenter(core: Core): (u: QuotaUnit) => unknown {
  const pools = new Map(core.nodePools.list().map((p) => [p.id, p.name]));
  const use = new Map<string, ProjectSample>();
  for (const s of core.projectMetrics.current()) use.set(`${s.unitId}/${s.poolId}`, s);
  const names = new Map(core.quotaUnits.list().map((u) => [u.id, u.name]));
  const fair = core.placement.fairShares();
  return (u) => {
    const poolIds = new Set(u.allocations.map((a) => a.nodePoolId));
    for (const key of use.keys()) if (key.startsWith(`${u.id}/`)) poolIds.add(key.slice(u.id.length + 1));
    return {
      id: u.id,
      name: u.name,
      kind: u.kind,
      parent: u.parentId === null ? null : (names.get(u.parentId) ?? u.parentId),
      cluster: u.clusterId === null ? null : (core.clusters.byId(u.clusterId)?.name ?? u.clusterId),
      pools: [...poolIds].map((poolId) => {
        const q = QuotaUnitService.allocationIn(u, poolId);
        const s = use.get(`${u.id}/${poolId}`);
        return {
          nodePool: pools.get(poolId) ?? poolId,
          ...Object.fromEntries(
            RESOURCES.map((r) => [
              r,
              amount(q[r], s?.allocated[r] ?? 0, fair.get(poolId)?.get(u.id)?.[r] ?? 0),
            ]),
          ),
        };
      }),
    };
  };
}
