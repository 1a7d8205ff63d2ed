import type Router from "@koa/router";
import type { Core } from "../../core";
import { ValidationError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ProjectSample } from "../../core/project-metrics";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { METRIC_TYPES, parseRange, resample, samplesOf, type Range } from "./metrics";
import { ORG } from "./project-routes";
import { runaiMeta, toMB, type RunaiProjects } from "./projects";

const iso = (ms: number) => new Date(ms).toISOString();
const list = (v: unknown): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(",")).filter(Boolean);

/** Telemetry types: current quota / allocation of every project, grouped. */
const TELEMETRY: Record<string, (s: ProjectSample) => number> = {
  GPU_QUOTA: (s) => s.quota.gpu,
  CPU_QUOTA: (s) => s.quota.cpuMilli,
  MEMORY_QUOTA: (s) => toMB(s.quota.memoryMiB),
  GPU_ALLOCATION: (s) => s.allocated.gpu,
  CPU_ALLOCATION: (s) => s.allocated.cpuMilli,
  MEMORY_ALLOCATION: (s) => toMB(s.allocated.memoryMiB),
  GPU_ALLOCATION_NON_PREEMPTIBLE: (s) => s.allocatedNonPreemptible.gpu,
  CPU_ALLOCATION_NON_PREEMPTIBLE: (s) => s.allocatedNonPreemptible.cpuMilli,
  MEMORY_ALLOCATION_NON_PREEMPTIBLE: (s) => toMB(s.allocatedNonPreemptible.memoryMiB),
};
const GROUPS = ["ClusterId", "NodepoolId", "ParentId"] as const;

export function metricsRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);

  router.get(`${ORG}/projects/telemetry`, auth, (ctx) => {
    const type = String(ctx.query.telemetryType ?? "");
    const f = TELEMETRY[type];
    if (!f) throw new ValidationError("telemetryType", `must be one of ${Object.keys(TELEMETRY).join(", ")}`);
    const groupBy = list(ctx.query.groupBy);
    if (groupBy.length > 2)
      throw new ValidationError("groupBy", "at most 2 of ClusterId, NodepoolId, ParentId");
    for (const g of groupBy)
      if (!(GROUPS as readonly string[]).includes(g))
        throw new ValidationError("groupBy", `unknown group ${g}`);
    const units = new Map(projects.list("project").map((u) => [u.id, u]));
    const buckets = new Map<
      string,
      { value: number; groups: { key: string; value: string; name: string }[] }
    >();
    for (const s of core.projectMetrics.current()) {
      const u = units.get(s.unitId);
      if (!u) continue;
      const groups = groupBy.map((g) => group(core, projects, g, u, s));
      const key = JSON.stringify(groups);
      const b = buckets.get(key) ?? { value: 0, groups };
      b.value += f(s);
      buckets.set(key, b);
    }
    ctx.body = {
      type,
      timestamp: iso(core.clock.now()),
      values: [...buckets.values()].map((b) => ({ value: String(b.value), groups: b.groups })),
    };
  });

  router.get(`${ORG}/projects/:id/metrics`, auth, (ctx) => {
    const u = projects.get("project", ctx.params.id as string);
    const types = list(ctx.query.metricType);
    if (types.length === 0) throw new ValidationError("metricType", "is required");
    for (const t of types)
      if (!METRIC_TYPES[t])
        throw new ValidationError("metricType", `must be one of ${Object.keys(METRIC_TYPES).join(", ")}`);
    const r = parseRange(ctx.query, true) as Range;
    const pool = ctx.query.nodepoolName as string | undefined;
    const samples = samplesOf(core, u.id, r, pool);
    ctx.body = {
      measurements: types.map((type) => ({
        type,
        labels: pool ? { nodepoolName: pool } : null,
        values: resample(samples, r, METRIC_TYPES[type] as (typeof METRIC_TYPES)[string]).map((p) => ({
          value: String(p.value),
          timestamp: iso(p.timestamp),
        })),
      })),
    };
  });
}

function group(core: Core, projects: RunaiProjects, g: string, u: QuotaUnit, s: ProjectSample) {
  if (g === "ClusterId") {
    const c = u.clusterId ? core.clusters.byId(u.clusterId) : undefined;
    return { key: g, value: u.clusterId ?? "", name: c?.name ?? "" };
  }
  if (g === "NodepoolId") return { key: g, value: s.poolId, name: core.nodePools.find(s.poolId)?.name ?? "" };
  const p = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  return { key: g, value: p ? String(runaiMeta(p).intId) : "", name: p ? projects.name(p) : "" };
}
