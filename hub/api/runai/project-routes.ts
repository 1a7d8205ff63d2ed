import type Router from "@koa/router";
import type { Core } from "../../core";
import { ConflictError } from "../../core/errors";
import type { QuotaUnit } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { adminOnly } from "../middleware/authorize";
import { input, validate } from "../middleware/validate";
import { presentDepartment } from "./department-presenters";
import { presentProject, presentResources } from "./presenters";
import type { RunaiChange, RunaiKind, RunaiMeta, RunaiProjects } from "./projects";
import { filter, page } from "./query";
import { ListQuery } from "./query-schemas";
import {
  DepartmentCreate,
  DepartmentResourcesList,
  DepartmentUpdate,
  ProjectCreate,
  ProjectUpdate,
  ResourcesList,
} from "./schemas";

export const ORG = "/api/v1/org-unit";

/** /api/v1/org-unit/projects and /departments: the new Run:ai API (docs/compat/runai.md §1.1-1.4). */
export function projectRoutes(router: Router<ApiState>, core: Core, projects: RunaiProjects): void {
  const auth = authenticate(core.auth);
  const admin = [auth, adminOnly(core.authz)];
  const env = () => ({ core, projects, samples: core.projectMetrics.current() });
  const user = (ctx: ApiContext) => ctx.state.principal?.user.username ?? "";
  const present = (kind: RunaiKind, u: QuotaUnit, e = env()) =>
    kind === "project" ? presentProject(u, e) : presentDepartment(u, e);
  const listed = (kind: RunaiKind) => {
    const e = env();
    return projects.list(kind).map((u) => present(kind, u, e));
  };

  for (const kind of ["project", "department"] as const) {
    const base = `${ORG}/${kind}s`;
    router.get(`${base}/count`, auth, validate(ListQuery, "query"), (ctx) => {
      ctx.body = { count: filter(listed(kind), input(ctx, ListQuery)).length };
    });
    router.get(base, auth, validate(ListQuery, "query"), (ctx) => {
      const q = input(ctx, ListQuery);
      const { items, next } = page(filter(listed(kind), q), q);
      ctx.body = next === undefined ? { [`${kind}s`]: items } : { [`${kind}s`]: items, next };
    });
    router.get(`${base}/:id`, auth, (ctx) => {
      ctx.body = present(kind, projects.get(kind, ctx.params.id as string));
    });
    router.delete(`${base}/:id`, ...admin, (ctx) => {
      projects.remove(projects.get(kind, ctx.params.id as string));
      ctx.status = 204;
    });
    const list = kind === "project" ? ResourcesList : DepartmentResourcesList;
    const resources = (patch: boolean) => (ctx: ApiContext) => {
      const u = projects.quotaWritable(projects.get(kind, ctx.params.id as string));
      const body = input(ctx, list);
      const { allocations, ranks } = projects.allocations(body, patch ? u.allocations : [], "resources");
      const change = { ranks: patch ? { ...u.ranks, ...ranks } : ranks };
      ctx.body = presentResources(projects.update(u, allocations, change, user(ctx), "resources"), core);
    };
    router.put(`${base}/:id/resources`, ...admin, validate(list), resources(false));
    router.patch(`${base}/:id/resources`, ...admin, validate(list), resources(true));
  }

  router.post(`${ORG}/projects`, ...admin, validate(ProjectCreate), (ctx) => {
    const b = input(ctx, ProjectCreate);
    const clusterId = projects.clusterId(b.clusterId);
    if (projects.byName("project", b.name)) throw new ConflictError(`project ${b.name} already exists`);
    const parent = b.parentId
      ? projects.get("department", b.parentId)
      : projects.defaultDepartment(clusterId);
    const { allocations, ranks } = projects.allocations(b.resources);
    const u = projects.create(
      "project",
      b.name,
      clusterId,
      parent.id,
      allocations,
      { ...common(b), ranks },
      user(ctx),
    );
    ctx.status = 201;
    ctx.body = presentProject(u, env());
  });
  router.put(`${ORG}/projects/:id`, ...admin, validate(ProjectUpdate), (ctx) => {
    const u = projects.quotaWritable(projects.get("project", ctx.params.id as string));
    const b = input(ctx, ProjectUpdate);
    const { allocations, ranks } = projects.allocations(b.resources);
    ctx.body = presentProject(projects.update(u, allocations, { ...common(b), ranks }, user(ctx)), env());
  });
  router.post(`${ORG}/departments`, ...admin, validate(DepartmentCreate), (ctx) => {
    const b = input(ctx, DepartmentCreate);
    const clusterId = projects.clusterId(b.clusterId);
    if (projects.byName("department", b.name)) throw new ConflictError(`department ${b.name} already exists`);
    const { allocations, ranks } = projects.allocations(b.resources);
    const u = projects.create(
      "department",
      b.name,
      clusterId,
      null,
      allocations,
      { ...common(b), ranks },
      user(ctx),
    );
    ctx.status = 201;
    ctx.body = presentDepartment(u, env());
  });
  router.put(`${ORG}/departments/:id`, ...admin, validate(DepartmentUpdate), (ctx) => {
    const u = projects.get("department", ctx.params.id as string);
    const b = input(ctx, DepartmentUpdate);
    const { allocations, ranks } = projects.allocations(b.resources);
    ctx.body = presentDepartment(projects.update(u, allocations, { ...common(b), ranks }, user(ctx)), env());
  });
}

function common(b: {
  description?: string;
  requestedNamespace?: string | null;
  enforceRunaiScheduler?: boolean;
  schedulingRules?: Record<string, number | null | undefined> | null;
  defaultNodePools?: string[] | null;
  nodeTypes?: RunaiMeta["nodeTypes"];
}): RunaiChange {
  const meta: Partial<RunaiMeta> = {};
  if (b.description !== undefined) meta.description = b.description;
  if (b.requestedNamespace !== undefined) meta.requestedNamespace = b.requestedNamespace;
  if (b.enforceRunaiScheduler !== undefined) meta.enforceRunaiScheduler = b.enforceRunaiScheduler;
  if (b.schedulingRules !== undefined) {
    meta.schedulingRules =
      b.schedulingRules === null
        ? null
        : Object.fromEntries(Object.entries(b.schedulingRules).map(([k, v]) => [k, v ?? null]));
  }
  if (b.nodeTypes !== undefined) meta.nodeTypes = b.nodeTypes;
  return b.defaultNodePools !== undefined ? { meta, defaultNodePools: b.defaultNodePools } : { meta };
}
