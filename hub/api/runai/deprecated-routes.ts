import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError, NotFoundError, ValidationError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { projectMetrics, timeRange, type MetricsEnv } from "./deprecated-metrics";
import { samplesOf, type Range } from "./metrics";
import { presentDeprecated } from "./presenters";
import type { RunaiChange, RunaiMeta, RunaiProjects } from "./projects";
import { DeprecatedMetricsQuery, DeprecatedQuery } from "./query-schemas";
import { DeprecatedProject, DeprecatedProjectUpdate, type ResourcesInput } from "./schemas";

const BASE = "/v1/k8s/clusters/:clusterId/projects";

/** The deprecated /v1/k8s/clusters/{clusterId}/projects family: integer ids, MiB (docs/compat/runai.md §1.5). */
export function deprecatedRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];
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

  const metricsEnv = (ctx: ApiContext): MetricsEnv => {
    const { range, nodepoolName } = input(ctx, DeprecatedMetricsQuery);
    return { core, projects, range, nodepoolName };
  };
  router.get(`${BASE}/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    const clusterId = cluster(ctx);
    const env = metricsEnv(ctx);
    const units = projects.list("project").filter((u) => inCluster(u, clusterId));
    const data = units.map((u) => projectMetrics(env, u, false));
    // The list form's history is the cluster's projects summed (`timeRange.resources`).
    ctx.body = env.range ? { data, timeRange: allProjectsRange(env, units, env.range) } : { data };
  });
  router.get(`${BASE}/:id/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    ctx.body = projectMetrics(metricsEnv(ctx), get(ctx));
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
      resources(b, input(ctx, DeprecatedQuery).memoryUnitMb, projects),
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
    const res = resources(b, input(ctx, DeprecatedQuery).memoryUnitMb, projects);
    if (res.length > 0) projects.quotaWritable(u);
    // nodePoolsResources replaces the pools' list; the totals change the default pool only.
    const base = b.nodePoolsResources?.length ? [] : u.allocations;
    const allocs = res.length > 0 ? projects.allocations(res, base, "nodePoolsResources").allocations : null;
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

/**
 * nodePoolsResources (pools by integer id or name), else the deprecated `resources` total or the
 * deservedGpus totals (the default pool; the document allows them only on a single-pool hub), as
 * new-API resources.
 */
function resources(
  b: Partial<DeprecatedProject>,
  memoryMb: boolean,
  projects: RunaiProjects,
): ResourcesInput[] {
  const units = memoryMb ? ("MB" as const) : ("Mib" as const);
  type Amount = { deserved?: number; maxAllowed?: number; overQuotaWeight?: number } | undefined;
  const q = (a: Amount) =>
    a && { deserved: a.deserved, limit: a.maxAllowed, overQuotaWeight: a.overQuotaWeight };
  const mem = (a: Amount) => a && { ...q(a), units };
  if (b.nodePoolsResources?.length) {
    return b.nodePoolsResources.map((r, i) => ({
      nodePool: { id: projects.deprecatedPool(r.nodePool, `nodePoolsResources.${i}.nodePool`).id },
      gpu: q(r.gpu),
      cpu: q(r.cpu),
      memory: mem(r.memory),
    }));
  }
  // The totals (`resources`, else deservedGpus / maxAllowedGpus / gpuOverQuotaWeight) set the
  // default pool; the document allows `resources` only on a hub with a single node pool.
  const r = b.resources ?? {};
  const gpu = q(r.gpu) ?? {
    deserved: b.deservedGpus,
    limit: b.maxAllowedGpus,
    overQuotaWeight: b.gpuOverQuotaWeight,
  };
  const given = [gpu.deserved, gpu.limit, gpu.overQuotaWeight, r.cpu, r.memory].some((v) => v !== undefined);
  if (!given) return [];
  if ((r.gpu || r.cpu || r.memory) && projects.poolCount() > 1)
    throw new ValidationError(
      "resources",
      "can only be used with a single node pool; use nodePoolsResources",
    );
  return [{ nodePool: null, gpu, cpu: q(r.cpu), memory: mem(r.memory) }];
}

function change(b: Partial<DeprecatedProject>): RunaiChange {
  const out: Partial<RunaiMeta> = {};
  if (b.description !== undefined) out.description = b.description;
  if (b.namespace !== undefined) out.requestedNamespace = b.namespace;
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

/** The summed history of the cluster's projects. */
function allProjectsRange(env: MetricsEnv, units: readonly QuotaUnit[], r: Range) {
  const ids = new Set(units.map((u) => u.id));
  return timeRange(
    samplesOf(env.core, null, r, env.nodepoolName).filter((s) => ids.has(s.unitId)),
    r,
  );
}
