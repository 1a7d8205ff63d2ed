import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ProjectSample, QuotaAmount, QuotaUnit } from "../../core/model";
import { QuotaUnitService } from "../../core/quota-units";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";

const RESOURCES = ["gpu", "cpuMilli", "memoryMiB"] as const;

const amount = (q: QuotaAmount, allocated: number) => ({
  deserved: q.deserved,
  limit: q.limit,
  overQuotaWeight: q.overQuotaWeight,
  allocated,
});

/**
 * Quota units (docs/native-api.md "Quota units"): every project, department, virtual cluster,
 * business and workspace with, per node pool it has quota in or uses, and per resource, its
 * deserved quota, limit, over-quota weight and what its placed tasks hold now. Any signed-in user
 * may read them (the shared view of who has what).
 */
export function quotaUnitRoutes(router: Router<ApiState>, core: Core): void {
  router.get("/quota-units", authenticate(core.auth), (ctx) => {
    const pools = new Map(core.nodePools.list().map((p) => [p.id, p.name]));
    const use = new Map<string, ProjectSample>();
    for (const s of core.projectMetrics.current()) use.set(`${s.unitId}/${s.poolId}`, s);
    const units = core.quotaUnits.list();
    const names = new Map(units.map((u) => [u.id, u.name]));
    const present = (u: QuotaUnit) => {
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
            ...Object.fromEntries(RESOURCES.map((r) => [r, amount(q[r], s?.allocated[r] ?? 0)])),
          };
        }),
      };
    };
    ctx.body = { items: units.map(present) };
  });
}
