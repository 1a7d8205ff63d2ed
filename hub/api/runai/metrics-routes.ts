import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ProjectSample, QuotaUnit } from "../../core/model";
import type { ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { METRIC_TYPES, resample, samplesOf, TELEMETRY } from "./metrics";
import { ORG } from "./project-routes";
import type { RunaiProjects } from "./projects";
import { MetricsQuery, TelemetryQuery } from "./query-schemas";

const iso = (ms: number) => new Date(ms).toISOString();

export function metricsRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);

  router.get(`${ORG}/projects/telemetry`, auth, validate(TelemetryQuery, "query"), (ctx) => {
    const { telemetryType: type, groupBy } = input(ctx, TelemetryQuery);
    const f = TELEMETRY[type] as (typeof TELEMETRY)[string];
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

  router.get(`${ORG}/projects/:id/metrics`, auth, validate(MetricsQuery, "query"), (ctx) => {
    const u = projects.get("project", ctx.params.id as string);
    const { metricType: types, range: r, nodepoolName: pool } = input(ctx, MetricsQuery);
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
  return { key: g, value: p ? String(projects.id(p)) : "", name: p ? projects.name(p) : "" };
}
