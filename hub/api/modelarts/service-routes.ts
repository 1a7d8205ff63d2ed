import type Router from "@koa/router";
import type { User } from "../../core/model";
import type { ReplicatedService } from "../../core/services/model";
import type { ApiContext, ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, unsupported } from "./errors";
import { serviceNotFound, type InferenceServices } from "./inference-services";
import { configInputs } from "./service-configs";
import { presentService } from "./service-presenter";
import { ServiceDeploy, ServiceListQuery, ServiceUpdate } from "./service-schemas";

/** What the routes of the service groups share: who calls, which services they see and change. */
export interface ServiceAccess {
  caller(ctx: ApiContext): User;
  origin(ctx: ApiContext): string;
  visible(ctx: ApiContext): ReplicatedService[];
  /** A service the caller sees, by `:service_id` (or `id`); 400 ModelArts.3502 when none. */
  service(ctx: ApiContext, id?: string): ReplicatedService;
  /** Refuses (403) a caller who may not change `s`. */
  mayChange(ctx: ApiContext, s: ReplicatedService): void;
}

export function serviceAccess(deps: ModelArtsDeps, services: InferenceServices): ServiceAccess {
  const { core } = deps;
  const caller = (ctx: ApiContext): User => (ctx.state.principal as { user: User }).user;
  const object = (s: ReplicatedService) => ({
    kind: "object" as const,
    owner: s.owner,
    unitId: s.quotaUnitId,
  });
  const visible = (ctx: ApiContext) =>
    services.list().filter((s) => core.authz.can(caller(ctx), "object.read", object(s)));
  return {
    caller,
    origin: (ctx) => `${ctx.protocol}://${ctx.host}`,
    visible,
    service(ctx, id = ctx.params.service_id as string) {
      const s = services.lookup(id);
      if (!s || !core.authz.can(caller(ctx), "object.read", object(s))) throw serviceNotFound(id);
      return s;
    },
    mayChange(ctx, s) {
      if (!core.authz.can(caller(ctx), "object.write", object(s)))
        throw new ModelArtsError(403, GENERIC.forbidden, `service ${s.id} belongs to ${s.owner}`);
    },
  };
}

/** `/v1/{project_id}/services`: deploy, list, get, update (config, status), delete. */
export function serviceRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  services: InferenceServices,
  access: ServiceAccess,
): void {
  const { core, workspaces, auth } = deps;
  const base = "/v1/:project_id/services";

  router.get(base, auth, validate(ServiceListQuery, "query"), (ctx) => {
    const q = input(ctx, ServiceListQuery);
    const origin = access.origin(ctx);
    let items = access
      .visible(ctx)
      .map((s) => presentService(deps, services, s, origin))
      .filter(
        (p) =>
          (q.service_id === undefined || p.service_id === q.service_id) &&
          (q.service_name === undefined || String(p.service_name).includes(q.service_name)) &&
          (q.model_id === undefined ||
            (p.config as { model_id: string }[]).some((c) => c.model_id === q.model_id)) &&
          (q.workspace_id === undefined || p.workspace_id === q.workspace_id) &&
          (q.infer_type === undefined || p.infer_type === q.infer_type) &&
          (q.status === undefined || p.status === q.status) &&
          (q.description === undefined || String(p.description).includes(q.description)),
      );
    const key = (p: Record<string, unknown>) => p[q.sort_by] as string | number;
    items = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (q.order === "desc") items.reverse();
    const page = items.slice(q.offset, q.offset + q.limit);
    ctx.body = { total_count: items.length, count: page.length, services: page };
  });

  router.post(base, auth, validate(ServiceDeploy), (ctx) => {
    const body = input(ctx, ServiceDeploy);
    const user = access.caller(ctx);
    if (body.infer_type !== "real-time")
      throw unsupported(`a ${body.infer_type} service`, "this hub runs real-time services only");
    if (body.schedule && body.schedule.length > 0)
      throw unsupported("a service schedule (stop after a duration)", "services here run until stopped");
    const unit = workspaces.unitOf(body.workspace_id);
    core.authz.requireSubmit(user, { kind: "service", unitId: unit.id, priority: 0 });
    const configs = configInputs(deps, user, body.config);
    const s = services.deploy(user, {
      name: body.service_name,
      description: body.description,
      unitId: unit.id,
      workspaceId: body.workspace_id,
      configs,
    });
    ctx.body = { service_id: s.id, resource_ids: services.record(s).configs.map((c) => c.coreServiceId) };
  });

  router.get(`${base}/:service_id`, auth, (ctx) => {
    ctx.body = presentService(deps, services, access.service(ctx), access.origin(ctx));
  });

  router.put(`${base}/:service_id`, auth, validate(ServiceUpdate), (ctx) => {
    const body = input(ctx, ServiceUpdate);
    const s = access.service(ctx);
    access.mayChange(ctx, s);
    const user = access.caller(ctx);
    if (body.schedule && body.schedule.length > 0)
      throw unsupported("a service schedule (stop after a duration)", "services here run until stopped");
    if (body.description !== undefined) services.describe(s, body.description);
    // ModelArts: with both, only the status change applies.
    if (body.status !== undefined) {
      services.setRunning(s, body.status === "running", user);
      ctx.body = { resource_ids: services.record(s).configs.map((c) => c.coreServiceId) };
      return;
    }
    if (body.config) {
      const updateTime = services.updateConfigs(s, configInputs(deps, user, body.config), user);
      ctx.body = {
        update_time: updateTime,
        resource_ids: services.record(s).configs.map((c) => c.coreServiceId),
      };
      return;
    }
    ctx.body = { resource_ids: services.record(s).configs.map((c) => c.coreServiceId) };
  });

  // A comma-separated list deletes several; every id must be the caller's to delete, or none goes.
  router.delete(`${base}/:service_id`, auth, (ctx) => {
    const ids = String(ctx.params.service_id).split(",").filter(Boolean);
    const doomed = ids.map((id) => access.service(ctx, id));
    for (const s of doomed) access.mayChange(ctx, s);
    for (const s of doomed) services.delete(s);
    ctx.body = {};
  });
}
