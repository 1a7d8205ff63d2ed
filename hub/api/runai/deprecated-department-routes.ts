import type Router from "@koa/router";
import type { Core } from "../../core";
import { NotFoundError, ValidationError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { presentDeprecatedDepartment } from "./department-presenters";
import { departmentMetrics, departmentSamples, timeRange, type MetricsEnv } from "./deprecated-metrics";
import { samplesOf } from "./metrics";
import { runaiMeta, type RunaiProjects } from "./projects";
import { DeprecatedMetricsQuery, DeprecatedQuery } from "./query-schemas";
import { DepartmentAccessControl } from "./schemas";

const BASE = "/v1/k8s/clusters/:clusterId/departments";

/** The deprecated /v1/k8s/clusters/{clusterId}/departments family: list, metrics, access control. */
export function deprecatedDepartmentRoutes(
  router: Router<ApiState>,
  core: Core,
  projects: RunaiProjects,
): void {
  const auth = authenticate(core.auth);
  const cluster = (ctx: ApiContext): string => {
    const id = ctx.params.clusterId as string;
    const c = core.clusters.byId(id) ?? core.clusters.find(id);
    if (!c) throw new NotFoundError("cluster", id);
    return c.id;
  };
  const inCluster = (u: QuotaUnit, clusterId: string) => u.clusterId === null || u.clusterId === clusterId;
  const departments = (ctx: ApiContext) => {
    const clusterId = cluster(ctx);
    return projects.list("department").filter((d) => inCluster(d, clusterId));
  };
  const one = (ctx: ApiContext, param: string) => {
    const clusterId = cluster(ctx);
    const d = projects.get("department", ctx.params[param] as string);
    if (!inCluster(d, clusterId)) throw new NotFoundError("department", ctx.params[param] as string);
    return d;
  };
  const metricsEnv = (ctx: ApiContext): MetricsEnv => {
    const { range, nodepoolName } = input(ctx, DeprecatedMetricsQuery);
    return { core, projects, range, nodepoolName };
  };

  router.get(`${BASE}/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    const env = metricsEnv(ctx);
    const list = departments(ctx);
    const data = list.map((d) => departmentMetrics(env, d, false));
    if (!env.range) {
      ctx.body = { data };
      return;
    }
    const all = samplesOf(core, null, env.range, env.nodepoolName);
    const summed = list.flatMap((d) =>
      departmentSamples(
        d,
        core.quotaUnits.children(d.id).map((k) => k.id),
        all,
      ),
    );
    ctx.body = { data, timeRange: timeRange(summed, env.range) };
  });
  router.get(`${BASE}/:departmentId/metrics`, auth, validate(DeprecatedMetricsQuery, "query"), (ctx) => {
    ctx.body = departmentMetrics(metricsEnv(ctx), one(ctx, "departmentId"));
  });
  router.get(BASE, auth, validate(DeprecatedQuery, "query"), (ctx) => {
    const flags = input(ctx, DeprecatedQuery);
    const env = { core, projects, samples: core.projectMetrics.current(), memoryMb: flags.memoryUnitMb };
    ctx.body = departments(ctx).map((d) => presentDeprecatedDepartment(d, env, flags.excludePermissions));
  });
  router.put(
    `${BASE}/:departmentId/access-control`,
    auth,
    adminOnly(core.authz),
    validate(DepartmentAccessControl),
    (ctx) => {
      const d = one(ctx, "departmentId");
      const b = input(ctx, DepartmentAccessControl);
      const id = projects.id(d);
      if (b.departmentId !== undefined && b.departmentId !== id)
        throw new ValidationError("departmentId", `must be the path's department id ${id}`);
      for (const [i, name] of b.departmentAdmins.entries())
        if (!core.users.find(name))
          throw new ValidationError(`departmentAdmins.${i}`, `unknown user ${name}`);
      core.quotaUnits.setMeta(d, "runai", { ...runaiMeta(d), departmentAdmins: b.departmentAdmins });
      ctx.status = 201;
      ctx.body = { departmentId: id, departmentAdmins: b.departmentAdmins };
    },
  );
}
