import type Router from "@koa/router";
import { z } from "zod";
import type { Core } from "../../core";
import type { Principal } from "../../core/auth";
import type { QuotaUnit, User } from "../../core/model";
import { WORK_KINDS } from "../../core/quota-units";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError } from "./errors";
import { iamUserId, userOfIamId } from "./iam-users";
import { DEFAULT_WORKSPACE_ID, META_KEY } from "./workspace-ids";
import { workspaceMeta, type Grant, type WorkspaceMeta } from "./workspace-meta";
import {
  presentQuotas,
  refreshDerivedQuotas,
  resourceNamed,
  UNLIMITED,
  withDerivedAllocation,
} from "./workspace-quotas";

/** Workspace error codes (chosen by us where the document gives none; docs/compat/modelarts.md). */
export const WORKSPACE_ERRORS = {
  /** A name that is not 4-64 letters, digits, CJK, `-` or `_`, or the reserved `default`. */
  badName: "ModelArts.7001",
  /** Another workspace has the name. */
  nameTaken: "ModelArts.7002",
  /** The default workspace "0" cannot be deleted or renamed. */
  defaultFixed: "ModelArts.7003",
  /** The quota of a unit another face made is written in that face's words. */
  foreignQuota: "ModelArts.7004",
  /** The workspace is being deleted. */
  notNormal: "ModelArts.7006",
  /** A quota resource this hub does not have, or a value out of range. */
  badQuota: "ModelArts.7007",
} as const;

const NAME = /^[\p{Script=Han}A-Za-z0-9_-]{4,64}$/u;
const AuthType = z.enum(["PUBLIC", "PRIVATE", "INTERNAL"], "must be PUBLIC, PRIVATE or INTERNAL");
const GrantSchema = z.object({
  user_id: z.string().optional(),
  user_name: z.string().optional(),
  user_type: z.string().optional(),
});
const CreateBody = z.object({
  name: z.string(),
  description: z.string().max(256, "at most 256 characters").optional(),
  auth_type: z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), AuthType).optional(),
  grants: z.array(GrantSchema).max(500, "at most 500").optional(),
  enterprise_project_id: z.string().optional(),
});
const UpdateBody = CreateBody.partial();
const ListQuery = z.object({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  sort_by: z.enum(["name", "update_time", "status"], "must be name, update_time or status").optional(),
  order: z.enum(["asc", "desc"], "must be asc or desc").optional(),
  enterprise_project_id: z.string().optional(),
  name: z.string().optional(),
  filter_accessible: z.enum(["true", "false"]).optional(),
});
const QuotasBody = z.object({
  quotas: z.array(z.object({ resource: z.string(), quota: z.number().int() })).min(1, "is required"),
});
const AuthBody = z.object({
  requests: z
    .array(
      z.object({
        action_id: z.string().optional(),
        action: z.string().optional(),
        resource: z.string().optional(),
        service_attributes: z.record(z.string(), z.string()).optional(),
      }),
    )
    .optional(),
});

const ok = (unit: QuotaUnit) => (workspaceMeta(unit).status ?? "NORMAL") === "NORMAL";

/** Whether `user` may use the workspace: PUBLIC to all, PRIVATE to its owner, INTERNAL to grants too. */
export function mayUse(unit: QuotaUnit, user: User): boolean {
  const meta = workspaceMeta(unit);
  if (user.admin || (meta.auth_type ?? "PUBLIC") === "PUBLIC") return true;
  if (meta.owner === user.username) return true;
  return (
    meta.auth_type === "INTERNAL" &&
    (meta.grants ?? []).some((g) => g.user_id === iamUserId(user) || g.user_name === user.username)
  );
}

/**
 * Workspaces (`/v1/{project_id}/workspaces`): core quota units (every unit that holds work, from
 * any face), their ModelArts words in `meta.modelarts`, quotas as allocations, delete cascading.
 */
export function workspaceRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, workspaces } = deps;
  const base = "/v1/:project_id/workspaces";
  const caller = (ctx: { state: ApiState }) => ctx.state.principal as Principal;
  const unitParam = (ctx: { params: Record<string, string | undefined> }) =>
    workspaces.unitOf(ctx.params.workspace_id ?? "");
  const setMeta = (unit: QuotaUnit, meta: WorkspaceMeta) => core.quotaUnits.setMeta(unit, META_KEY, meta);

  const grantsOf = (grants: Grant[] | undefined): Grant[] =>
    (grants ?? []).map((g) => {
      const user = g.user_id
        ? userOfIamId(core, g.user_id)
        : g.user_name
          ? core.users.find(g.user_name)
          : undefined;
      return {
        user_id: g.user_id ?? (user ? iamUserId(user) : ""),
        user_name: g.user_name ?? user?.username ?? "",
        ...(g.user_type ? { user_type: g.user_type } : {}),
      };
    });

  const present = (unit: QuotaUnit, withGrants: boolean) => {
    const meta = workspaceMeta(unit);
    const id = workspaces.idOf(unit);
    return {
      id,
      name: id === DEFAULT_WORKSPACE_ID ? "default" : unit.name,
      description: meta.description ?? "",
      owner: meta.owner ?? "",
      auth_type: meta.auth_type ?? "PUBLIC",
      enterprise_project_id: meta.enterprise_project_id ?? "0",
      enterprise_project_name: meta.enterprise_project_id ? meta.enterprise_project_id : "default",
      create_time: unit.createdAt,
      update_time: unit.updatedAt,
      status: meta.status ?? "NORMAL",
      status_info: meta.status_info ?? "",
      ...(withGrants ? { grants: meta.grants ?? [] } : {}),
    };
  };

  const checkName = (name: string, except?: QuotaUnit) => {
    if (!NAME.test(name) || name === "default")
      throw new ModelArtsError(
        400,
        WORKSPACE_ERRORS.badName,
        `invalid workspace name ${JSON.stringify(name)}: 4-64 letters, digits, Chinese characters, - or _, and not "default"`,
      );
    const taken = core.quotaUnits.byFaceName(name, WORK_KINDS);
    if (taken && taken.id !== except?.id)
      throw new ModelArtsError(400, WORKSPACE_ERRORS.nameTaken, `workspace name ${name} already exists`);
  };

  router.post(base, deps.auth, validate(CreateBody), (ctx) => {
    const b = input(ctx, CreateBody);
    checkName(b.name);
    const meta: WorkspaceMeta = {
      description: b.description ?? "",
      owner: caller(ctx).user.username,
      auth_type: b.auth_type ?? "PUBLIC",
      grants: b.auth_type === "INTERNAL" ? grantsOf(b.grants) : [],
      ...(b.enterprise_project_id !== undefined ? { enterprise_project_id: b.enterprise_project_id } : {}),
      status: "NORMAL",
    };
    const made = core.quotaUnits.create({ name: b.name, kind: "workspace", meta: { [META_KEY]: meta } });
    const unit = core.quotaUnits.saveDerived(withDerivedAllocation(core, made));
    ctx.body = present(unit, true);
  });

  router.get(base, deps.auth, validate(ListQuery, "query"), (ctx) => {
    const q = input(ctx, ListQuery);
    finishDeletions(core);
    workspaces.ensureDefault();
    let all = core.quotaUnits.listKinds(WORK_KINDS).map((u) => ({ unit: u, view: present(u, false) }));
    if (q.name !== undefined) all = all.filter((w) => w.view.name.includes(q.name as string));
    if (q.enterprise_project_id !== undefined)
      all = all.filter((w) => w.view.enterprise_project_id === q.enterprise_project_id);
    if (q.filter_accessible === "true") all = all.filter((w) => mayUse(w.unit, caller(ctx).user));
    const key = q.sort_by ?? "name";
    const dir = (q.order ?? "desc") === "asc" ? 1 : -1;
    all.sort((a, b) => {
      const x = a.view[key];
      const y = b.view[key];
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
    const offset = q.offset ?? 0;
    const page = all.slice(offset, offset + (q.limit ?? 1000)).map((w) => w.view);
    ctx.body = { total_count: all.length, count: page.length, workspaces: page };
  });

  router.get(`${base}/:workspace_id`, deps.auth, (ctx) => {
    finishDeletions(core);
    ctx.body = present(unitParam(ctx), true);
  });

  router.put(`${base}/:workspace_id`, deps.auth, validate(UpdateBody), (ctx) => {
    const unit = unitParam(ctx);
    const b = input(ctx, UpdateBody);
    const id = workspaces.idOf(unit);
    if (!ok(unit))
      throw new ModelArtsError(400, WORKSPACE_ERRORS.notNormal, `workspace ${id} is being deleted`);
    let renamed = unit;
    if (b.name !== undefined && b.name !== unit.name) {
      if (id === DEFAULT_WORKSPACE_ID)
        throw new ModelArtsError(
          400,
          WORKSPACE_ERRORS.defaultFixed,
          "the default workspace cannot be renamed",
        );
      checkName(b.name, unit);
      renamed = core.quotaUnits.save({ ...unit, name: b.name });
    }
    const meta = workspaceMeta(renamed);
    const authType = b.auth_type ?? meta.auth_type ?? "PUBLIC";
    setMeta(renamed, {
      ...meta,
      ...(b.description !== undefined ? { description: b.description } : {}),
      ...(b.enterprise_project_id !== undefined ? { enterprise_project_id: b.enterprise_project_id } : {}),
      auth_type: authType,
      grants: authType === "INTERNAL" ? (b.grants ? grantsOf(b.grants) : (meta.grants ?? [])) : [],
    });
    ctx.body = { workspace_id: id };
  });

  router.delete(`${base}/:workspace_id`, deps.auth, (ctx) => {
    const unit = unitParam(ctx);
    const id = workspaces.idOf(unit);
    if (id === DEFAULT_WORKSPACE_ID)
      throw new ModelArtsError(400, WORKSPACE_ERRORS.defaultFixed, "the default workspace cannot be deleted");
    if (core.quotaUnits.children(unit.id).length > 0)
      throw new ModelArtsError(
        400,
        GENERIC.conflict,
        `workspace ${id} groups other units; delete them first`,
      );
    deleteWorkspace(core, unit);
    ctx.body = { workspace_id: id };
  });

  router.get(`${base}/:workspace_id/quotas`, deps.auth, (ctx) => {
    ctx.body = { quotas: presentQuotas(core, unitParam(ctx), true) };
  });

  router.put(`${base}/:workspace_id/quotas`, deps.auth, validate(QuotasBody), (ctx) => {
    const unit = unitParam(ctx);
    if (unit.kind !== "workspace")
      throw new ModelArtsError(
        400,
        WORKSPACE_ERRORS.foreignQuota,
        `workspace ${workspaces.idOf(unit)} is a ${unit.kind} made on another face; set its quota there`,
      );
    const meta = workspaceMeta(unit);
    const quotas = { ...(meta.quotas ?? {}) };
    const now = core.clock.now();
    for (const q of input(ctx, QuotasBody).quotas) {
      const r = resourceNamed(q.resource);
      if (!r) throw new ModelArtsError(400, WORKSPACE_ERRORS.badQuota, `no quota resource ${q.resource}`);
      if (q.quota !== UNLIMITED && (q.quota < 0 || q.quota > r.max))
        throw new ModelArtsError(
          400,
          WORKSPACE_ERRORS.badQuota,
          `quota of ${q.resource} must be -1 or 0..${r.max}`,
        );
      quotas[r.resource] = { quota: q.quota, updateTime: now };
    }
    const withMeta = { ...unit, meta: { ...unit.meta, [META_KEY]: { ...meta, quotas } } };
    // A lowered quota is a request: the core refuses it below what non-preemptible work holds.
    const saved = core.quotaUnits.save(withDerivedAllocation(core, withMeta));
    ctx.body = { quotas: presentQuotas(core, saved, false) };
  });

  router.post(`${base}/:workspace_id/auth`, deps.auth, validate(AuthBody), (ctx) => {
    const unit = unitParam(ctx);
    const allowed = ok(unit) && mayUse(unit, caller(ctx).user);
    const requests = input(ctx, AuthBody).requests ?? [{}];
    ctx.body = {
      results: requests.map((r) => ({
        action: r.action ?? "modelarts:workspace:use",
        verdict: allowed ? "allow" : "deny",
        action_id: r.action_id ?? "",
        resource: r.resource ?? `workspace:${workspaces.idOf(unit)}`,
        cause: allowed
          ? []
          : [
              {
                policy_name: `workspace auth_type ${workspaceMeta(unit).auth_type ?? "PUBLIC"}`,
                condition: {},
              },
            ],
      })),
    };
  });
}

/**
 * Deletes a workspace with its work (ModelArts cascades to the notebooks, jobs and services in
 * it): every live workload is stopped and marked deleted (`meta.modelarts.deleted`, which the
 * other groups hide), the unit shows DELETING until the last one has ended, then is removed.
 */
export function deleteWorkspace(core: Core, unit: QuotaUnit): void {
  for (const w of core.workloads.list({})) {
    if (w.quotaUnitId !== unit.id) continue;
    if (["pending", "running"].includes(w.state)) core.workloads.stop(w);
    // Read again: updateMeta writes the whole workload, and the stop changed its state.
    const stopped = core.workloads.find(w.id) ?? w;
    const own = (stopped.meta[META_KEY] as Record<string, unknown> | undefined) ?? {};
    if (own.deleted !== true)
      core.workloads.updateMeta(stopped, { ...stopped.meta, [META_KEY]: { ...own, deleted: true } });
  }
  core.quotaUnits.setMeta(unit, META_KEY, { ...workspaceMeta(unit), status: "DELETING" });
  finishDeletions(core);
}

/** Removes each DELETING workspace whose work has all ended (called on reads and cluster changes). */
export function finishDeletions(core: Core): void {
  const live = new Set(
    core.workloads
      .list({ states: ["pending", "running", "stopping"] })
      .map((w) => w.quotaUnitId)
      .filter((id): id is string => id !== null),
  );
  for (const unit of core.quotaUnits.listKinds(WORK_KINDS)) {
    if (workspaceMeta(unit).status !== "DELETING" || live.has(unit.id)) continue;
    core.quotaUnits.remove(unit);
  }
}

/** What the surface does when the cluster changes: derived quotas follow the pool, deletions finish. */
export function workspaceUpkeep(core: Core): void {
  refreshDerivedQuotas(core);
  finishDeletions(core);
}
