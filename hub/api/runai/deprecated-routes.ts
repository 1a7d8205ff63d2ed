import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError, NotFoundError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ProjectSample } from "../../core/project-metrics";
import type { ApiContext, ApiState } from "../context";
import { authenticate, requireAdmin } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { resample, samplesOf, type Range } from "./metrics";
import { presentDeprecated } from "./presenters";
import { toMB, type RunaiChange, type RunaiMeta, type RunaiProjects } from "./projects";
import { DeprecatedMetricsQuery, DeprecatedQuery } from "./query-schemas";
import { DeprecatedProject, DeprecatedProjectUpdate, type ResourcesInput } from "./schemas";

const BASE = "/v1/k8s/clusters/:clusterId/projects";

/** The deprecated /v1/k8s/clusters/{clusterId}/projects family: integer ids, MiB (docs/compat/runai.md §1.5). */
export function deprecatedRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);
  const admin = [auth, requireAdmin()];
  const cluster = (ctx: ApiContext): string => {
    const id = ctx.params.clusterId as string;
    const c = core.clusters.byId(id) ?? core.clusters.find(id);
    if (!c) throw new NotFoundError("cluster", id);
    return c.id;
  };
  /** Presented with the flags validated by validate(DeprecatedQuery, "query"). */
  const present = (ctx: ApiContext, u: QuotaUnit) => {
    const flags = input(ctx, DeprecatedQuery);
    return presentDeprecated(
      u,
      { core, projects, samples: core.projectMetrics.current(), memoryMb: flags.memoryUnitMb },
      flags.excludePermissions,
    );
  };
  const flags = validate(DeprecatedQuery, "query");
  const get = (ctx: ApiContext) => {
    const clusterId = cluster(ctx);
    const u = projects.get("project", ctx.params.id as string);
    if (!inCluster(u, clusterId)) throw new NotFoundError("project", ctx.params.id as string);
    return u;
  };
  const user = (ctx: ApiContext) => ctx.state.principal?.user.username ?? "";

  router.get(`${BASE}/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    const clusterId = cluster(ctx);
    const { range: r, nodepoolName: pool } = input(ctx, DeprecatedMetricsQuery);
    const units = projects.list("project").filter((u) => inCluster(u, clusterId));
    const data = units.map((u) => projectMetrics(core, projects, u, r, pool));
    ctx.body = r
      ? { data, timeRange: { start: new Date(r.start).toISOString(), end: new Date(r.end).toISOString() } }
      : { data };
  });
  router.get(`${BASE}/:id/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    const { range, nodepoolName } = input(ctx, DeprecatedMetricsQuery);
    ctx.body = projectMetrics(core, projects, get(ctx), range, nodepoolName);
  });
  router.get(BASE, auth, flags, (ctx) => {
    const clusterId = cluster(ctx);
    ctx.body = projects
      .list("project")
      .filter((u) => inCluster(u, clusterId))
      .map((u) => present(ctx, u));
  });
  router.get(`${BASE}/:id`, auth, flags, (ctx) => {
    ctx.body = present(ctx, get(ctx));
  });
  router.post(BASE, ...admin, flags, validate(DeprecatedProject), (ctx) => {
    const clusterId = cluster(ctx);
    const b = input(ctx, DeprecatedProject);
    if (projects.byName("project", b.name)) throw new ConflictError(`project ${b.name} already exists`);
    const dept =
      b.departmentId === 0
        ? projects.defaultDepartment(clusterId)
        : projects.get("department", b.departmentId);
    const { allocations, ranks } = projects.allocations(
      resources(b, input(ctx, DeprecatedQuery).memoryUnitMb),
      [],
      "nodePoolsResources",
    );
    const u = projects.create(
      "project",
      b.name,
      clusterId,
      dept.id,
      allocations,
      { ...change(b), ranks },
      user(ctx),
    );
    ctx.body = present(ctx, u);
  });
  router.put(`${BASE}/:id`, ...admin, flags, validate(DeprecatedProjectUpdate), (ctx) => {
    const u = get(ctx);
    const b = input(ctx, DeprecatedProjectUpdate);
    const res = resources(b, input(ctx, DeprecatedQuery).memoryUnitMb);
    const allocs = res.length > 0 ? projects.allocations(res, [], "nodePoolsResources").allocations : null;
    ctx.body = present(ctx, projects.update(u, allocs, change(b), user(ctx), "nodePoolsResources"));
  });
  router.delete(`${BASE}/:id`, ...admin, flags, (ctx) => {
    const u = get(ctx);
    const body = present(ctx, u);
    projects.remove(u);
    ctx.body = body;
  });
}

/** A unit made on a face without clusters (clusterId null) spans them all. */
const inCluster = (u: QuotaUnit, clusterId: string): boolean =>
  u.clusterId === null || u.clusterId === clusterId;

/** nodePoolsResources (or the deprecated deservedGpus totals, default pool) as new-API resources. */
function resources(b: Partial<DeprecatedProject>, memoryMb: boolean): ResourcesInput[] {
  const lim = (v: number | undefined) => (v === undefined ? undefined : v);
  const units = memoryMb ? ("MB" as const) : ("Mib" as const);
  if (b.nodePoolsResources?.length) {
    return b.nodePoolsResources.map((r) => ({
      nodePool: { id: r.nodePool.name },
      gpu: r.gpu && {
        deserved: r.gpu.deserved,
        limit: lim(r.gpu.maxAllowed),
        overQuotaWeight: r.gpu.overQuotaWeight,
      },
      cpu: r.cpu && {
        deserved: r.cpu.deserved,
        limit: lim(r.cpu.maxAllowed),
        overQuotaWeight: r.cpu.overQuotaWeight,
      },
      memory: r.memory && {
        deserved: r.memory.deserved,
        limit: lim(r.memory.maxAllowed),
        overQuotaWeight: r.memory.overQuotaWeight,
        units,
      },
    }));
  }
  if (b.deservedGpus === undefined && b.maxAllowedGpus === undefined) return [];
  return [
    {
      nodePool: null,
      gpu: {
        deserved: b.deservedGpus ?? 0,
        limit: b.maxAllowedGpus ?? -1,
        overQuotaWeight: b.gpuOverQuotaWeight ?? 2,
      },
    },
  ];
}

function change(b: Partial<DeprecatedProject>): RunaiChange {
  const out: Partial<RunaiMeta> = {};
  if (b.description !== undefined) out.description = b.description;
  const rules: Record<string, number | null> = {};
  const map: [keyof DeprecatedProject, string][] = [
    ["interactiveJobTimeLimitSecs", "interactiveJobTimeLimitSeconds"],
    ["interactiveJobMaxIdleDurationSecs", "interactiveJobMaxIdleDurationSeconds"],
    ["interactivePreemptibleJobMaxIdleDurationSecs", "interactiveJobPreemptIdleDurationSeconds"],
    ["trainingJobTimeLimitSecs", "trainingJobTimeLimitSeconds"],
    ["trainingJobMaxIdleDurationSecs", "trainingJobMaxIdleDurationSeconds"],
  ];
  for (const [from, to] of map) if (b[from] !== undefined) rules[to] = b[from] as number | null;
  if (Object.keys(rules).length > 0) out.schedulingRules = rules;
  return b.defaultNodePools !== undefined
    ? { meta: out, defaultNodePools: b.defaultNodePools }
    : { meta: out };
}

/** The deprecated PM shape for one project. */
function projectMetrics(
  core: Core,
  projects: RunaiProjects,
  u: QuotaUnit,
  r: Range | null,
  poolName?: string,
) {
  const dept = u.parentId ? core.quotaUnits.find(u.parentId) : undefined;
  const cluster = u.clusterId ? core.clusters.byId(u.clusterId) : undefined;
  const now = core.projectMetrics.current().filter((s) => s.unitId === u.id);
  const pool = poolName ? core.nodePools.find(poolName) : undefined;
  const rd = (xs: readonly ProjectSample[]) => {
    const sum = (f: (s: ProjectSample) => number) => xs.reduce((a, s) => a + f(s), 0);
    const mean = (f: (s: ProjectSample) => number | null) => {
      const v = xs.flatMap((s) => (f(s) === null ? [] : [f(s) as number]));
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
    };
    return {
      numberOfPendingWorkloads: sum((s) => s.pendingWorkloads),
      gpu: {
        quota: sum((s) => s.quota.gpu),
        allocated: sum((s) => s.allocated.gpu),
        utilization: mean((s) => s.utilization.gpu),
      },
      cpu: {
        quota: sum((s) => s.quota.cpuMilli),
        allocated: sum((s) => s.allocated.cpuMilli),
        utilization: mean((s) => s.utilization.cpu),
      },
      memory: {
        quota: sum((s) => toMB(s.quota.memoryMiB)),
        allocated: sum((s) => toMB(s.allocated.memoryMiB)),
        utilization: mean((s) => s.utilization.memory),
      },
    };
  };
  const out: Record<string, unknown> = {
    metadata: {
      projectId: projects.id(u),
      projectName: projects.name(u),
      departmentId: dept ? projects.id(dept) : 0,
      departmentName: dept ? projects.name(dept) : "",
      clusterId: u.clusterId ?? "",
      clusterName: cluster?.name ?? "",
    },
    current: {
      resources: now
        .filter((s) => !pool || s.poolId === pool.id)
        .map((s) => ({ ...rd([s]), nodepoolName: core.nodePools.find(s.poolId)?.name ?? s.poolId })),
    },
  };
  if (r) {
    const samples = samplesOf(core, u.id, r, poolName);
    const at = resample(samples, r, (xs) => xs[0]?.at ?? null);
    out.timeRange = {
      resources: at.map((p, i) => {
        const next = at[i + 1]?.timestamp ?? Number.POSITIVE_INFINITY;
        const prev = i === 0 ? r.start : (at[i - 1]?.timestamp ?? r.start);
        const inBucket = samples.filter((s) => s.at > prev - 1 && s.at < next && s.at <= p.timestamp);
        const instants = new Set(inBucket.map((s) => s.at)).size || 1;
        const v = rd(inBucket);
        const scale = (n: number) => n / instants;
        return {
          ...v,
          gpu: { ...v.gpu, quota: scale(v.gpu.quota), allocated: scale(v.gpu.allocated) },
          cpu: { ...v.cpu, quota: scale(v.cpu.quota), allocated: scale(v.cpu.allocated) },
          memory: { ...v.memory, quota: scale(v.memory.quota), allocated: scale(v.memory.allocated) },
          timestamp: new Date(p.timestamp).toISOString(),
        };
      }),
    };
  }
  return out;
}
