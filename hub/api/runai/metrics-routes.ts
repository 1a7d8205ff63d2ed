import type Router from "@koa/router";
import type { Core } from "../../core";
import type { ProjectSample, QuotaUnit } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { departmentSamples } from "./deprecated-metrics";
import { METRIC_TYPES, resample, samplesOf, TELEMETRY, type Range } from "./metrics";
import { ORG } from "./project-routes";
import type { RunaiProjects } from "./projects";
import { DepartmentTelemetryQuery, MetricsQuery, TelemetryQuery } from "./query-schemas";

const iso = (ms: number) => new Date(ms).toISOString();
type Bucket = { value: number; groups: { key: string; value: string; name: string }[] };

/** /projects and /departments telemetry and /{id}/metrics (docs/compat/runai.md §1.6). */
export function metricsRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);
  // A unit made on a face without clusters (clusterId null) spans every cluster of this hub, and
  // no unit is in a cluster the hub does not have.
  const inCluster = (u: QuotaUnit, clusterId: string | undefined) =>
    clusterId === undefined ||
    u.clusterId === clusterId ||
    (u.clusterId === null && core.clusters.byId(clusterId) !== undefined);
  const answer = (ctx: ApiContext, type: string, buckets: Map<string, Bucket>) => {
    ctx.body = {
      type,
      timestamp: iso(core.clock.now()),
      values: [...buckets.values()].map((b) => ({ value: String(b.value), groups: b.groups })),
    };
  };
  const add = (buckets: Map<string, Bucket>, groups: Bucket["groups"], v: number) => {
    const key = JSON.stringify(groups);
    const b = buckets.get(key) ?? { value: 0, groups };
    b.value += v;
    buckets.set(key, b);
  };

  router.get(`${ORG}/projects/telemetry`, auth, validate(TelemetryQuery, "query"), (ctx) => {
    const q = input(ctx, TelemetryQuery);
    const f = TELEMETRY[q.telemetryType] as (typeof TELEMETRY)[string];
    const pool = q.nodepoolId === undefined ? undefined : (core.nodePools.find(q.nodepoolId)?.id ?? "");
    const units = new Map(
      projects
        .list("project")
        .filter((u) => inCluster(u, q.clusterId) && inDepartment(core, projects, u, q.departmentId))
        .map((u) => [u.id, u]),
    );
    const buckets = new Map<string, Bucket>();
    for (const s of core.projectMetrics.current()) {
      const u = units.get(s.unitId);
      if (!u || (pool !== undefined && s.poolId !== pool)) continue;
      add(
        buckets,
        q.groupBy.map((g) => group(core, projects, g, u, s)),
        f(s),
      );
    }
    answer(ctx, q.telemetryType, buckets);
  });

  router.get(`${ORG}/departments/telemetry`, auth, validate(DepartmentTelemetryQuery, "query"), (ctx) => {
    const q = input(ctx, DepartmentTelemetryQuery);
    const f = TELEMETRY[q.telemetryType] as (typeof TELEMETRY)[string];
    const pool = q.nodepoolName === undefined ? undefined : (core.nodePools.find(q.nodepoolName)?.id ?? "");
    const now = core.projectMetrics.current();
    const buckets = new Map<string, Bucket>();
    for (const d of projects.list("department")) {
      if (!inCluster(d, q.clusterId)) continue;
      if (q.departmentId !== undefined && String(projects.id(d)) !== q.departmentId) continue;
      const kids = core.quotaUnits.children(d.id).map((k) => k.id);
      const c = d.clusterId ? core.clusters.byId(d.clusterId) : undefined;
      const groups = q.groupBy.map(() => ({
        key: "CLUSTER_ID",
        value: d.clusterId ?? "",
        name: c?.name ?? "",
      }));
      for (const s of departmentSamples(d, kids, now))
        if (pool === undefined || s.poolId === pool) add(buckets, groups, f(s));
    }
    answer(ctx, q.telemetryType, buckets);
  });

  const measurements = (ctx: ApiContext, samples: (r: Range, pool?: string) => ProjectSample[]) => {
    const { metricType: types, range: r, nodepoolName: pool } = input(ctx, MetricsQuery);
    const xs = samples(r, pool);
    ctx.body = {
      measurements: types.map((type) => ({
        type,
        labels: pool ? { nodepoolName: pool } : null,
        values: resample(xs, r, METRIC_TYPES[type] as (typeof METRIC_TYPES)[string]).map((p) => ({
          value: String(p.value),
          timestamp: iso(p.timestamp),
        })),
      })),
    };
  };
  router.get(`${ORG}/projects/:id/metrics`, auth, validate(MetricsQuery, "query"), (ctx) => {
    const u = projects.get("project", ctx.params.id as string);
    measurements(ctx, (r, pool) => samplesOf(core, u.id, r, pool));
  });
  router.get(`${ORG}/departments/:id/metrics`, auth, validate(MetricsQuery, "query"), (ctx) => {
    const d = projects.get("department", ctx.params.id as string);
    const kids = core.quotaUnits.children(d.id).map((k) => k.id);
    measurements(ctx, (r, pool) => departmentSamples(d, kids, samplesOf(core, null, r, pool)));
  });
}

/** A project whose department has this Run:ai id (undefined: every project). */
function inDepartment(
  core: Core,
  projects: RunaiProjects,
  u: QuotaUnit,
  departmentId: string | undefined,
): boolean {
  if (departmentId === undefined) return true;
  const p = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  return p !== undefined && String(projects.id(p)) === departmentId;
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
