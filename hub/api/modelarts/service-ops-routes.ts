import type Router from "@koa/router";
import { replicaLink } from "../../core/services/replicas";
import type { ApiState } from "../context";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { GENERIC, ModelArtsError, unsupported } from "./errors";
import type { InferenceServices } from "./inference-services";
import type { InvocationRates } from "./inference-gateway";
import { configInputs, configRequestOf } from "./service-configs";
import { presentConfig } from "./service-presenter";
import { countKeys } from "./service-record";
import type { ServiceAccess } from "./service-routes";
import { ServiceConfig } from "./service-schemas";
import {
  ServiceEventQuery,
  ServiceLogQuery,
  ServicePatch,
  ServiceProperty,
  SpecificationQuery,
  TagsCreate,
  TagsDelete,
} from "./service-schemas";
import { serviceSpecifications } from "./service-specs";

const invalid = (field: string, why: string) =>
  new ModelArtsError(400, GENERIC.invalid, `invalid ${field}: ${why}`);

/**
 * The rest of Table 9: specifications, monitor, event and update logs, single-property update,
 * PATCH, resource tags, and the VPC access channel (not supported: no VPC endpoints here).
 * Registered before the `/:service_id` routes of service-routes.ts.
 */
export function serviceOpsRoutes(
  router: Router<ApiState>,
  deps: ModelArtsDeps,
  services: InferenceServices,
  access: ServiceAccess,
  rates: InvocationRates,
): void {
  const { core, auth } = deps;
  const base = "/v1/:project_id/services";

  router.get(`${base}/specifications`, auth, validate(SpecificationQuery, "query"), (ctx) => {
    const q = input(ctx, SpecificationQuery);
    const all = q.infer_type === "real-time" ? serviceSpecifications(core) : [];
    const page = all.slice(q.offset, q.offset + q.limit);
    ctx.body = {
      total_count: all.length,
      count: page.length,
      specifications: page.map((s) => ({
        specification: s.specification,
        billing_spec: s.specification,
        spec_status: "normal",
        is_open: true,
        source_type: "",
        category: s.category,
        cpu_info: { arch: "x86", cpu: s.resources.cpuMilli / 1000 },
        memory_info: { size: s.resources.memoryMiB, unit: "MB" },
        ...(s.resources.gpu > 0 ? { gpu_info: { gpu: s.resources.gpu, unit: "GPU" } } : {}),
      })),
    };
  });

  router.get(`${base}/tms/tags`, auth, (ctx) => {
    const byKey = new Map<string, Set<string>>();
    for (const s of access.visible(ctx))
      for (const t of services.record(s).tags) byKey.set(t.key, (byKey.get(t.key) ?? new Set()).add(t.value));
    ctx.body = { tags: [...byKey].map(([key, values]) => ({ key, values: [...values].sort() })) };
  });

  router.get(`${base}/:service_id/monitor`, auth, (ctx) => {
    const s = access.service(ctx);
    const r = services.record(s);
    let running = 0;
    const monitors = services.replicas(s).map(({ config, replicas }) => {
      const model = core.inferenceModels.find(config.modelId);
      const instances = replicas.map((rep) => {
        const usage = rep.task ? core.taskMetrics.get(rep.task.id) : undefined;
        if (rep.running) running++;
        return {
          instance_id: rep.workload.id,
          status: rep.running ? "running" : (rep.task?.state ?? "pending"),
          node_name: core.nodes.findById(rep.link.nodeId)?.name ?? rep.link.nodeId,
          // docker stats: percent of one core.
          cpu_core_usage: usage ? Math.round(usage.cpuPercent) / 100 : 0,
          cpu_memory_usage: usage ? Math.round(usage.memoryUsedMiB) : 0,
          gpu_usage: rep.task?.gpuUuids.length ?? 0,
        };
      });
      const sum = (k: "cpu_core_usage" | "cpu_memory_usage" | "gpu_usage") =>
        instances.reduce((a, i) => a + i[k], 0);
      return {
        model_id: config.modelId,
        model_name: model?.name ?? "",
        model_version: model?.version ?? "",
        invocation_times: core.invocations.get(countKeys.config(config.coreServiceId)),
        failed_times: core.invocations.get(countKeys.failed(config.coreServiceId)),
        cpu_core_usage: Math.round(sum("cpu_core_usage") * 100) / 100,
        cpu_core_total: (config.resources.cpuMilli / 1000) * instances.length,
        cpu_memory_usage: sum("cpu_memory_usage"),
        cpu_memory_total: config.resources.memoryMiB * instances.length,
        gpu_usage: sum("gpu_usage"),
        gpu_total: config.resources.gpu * instances.length,
        // Corral: the same per instance, from the agents' heartbeats.
        instances,
      };
    });
    ctx.body = {
      service_id: s.id,
      service_name: r.serviceName,
      service_running_instance_count: running,
      service_instance_count: r.stopped ? 0 : r.configs.reduce((a, c) => a + c.instanceCount, 0),
      req_count_per_min: rates.lastMinute(s.id),
      monitors,
    };
  });

  router.get(`${base}/:service_id/events`, auth, validate(ServiceEventQuery, "query"), (ctx) => {
    const q = input(ctx, ServiceEventQuery);
    const s = access.service(ctx);
    const r = services.record(s);
    const ours = new Set(r.configs.map((c) => c.coreServiceId));
    // The service's own operations, then what happened to its instances (scheduled, started, exited...).
    const instanceEvents = core.workloads
      .list({})
      .filter((w) => ours.has(replicaLink(w)?.serviceId ?? ""))
      .flatMap((w) => core.workloads.events(w.id, 200))
      .map((e) => ({
        event_type: e.type === "Warning" ? ("abnormal" as const) : ("normal" as const),
        event_info: `${e.reason}: ${e.message}`,
        occur_time: e.at,
      }));
    let events = [
      ...r.events.map((e) => ({ event_type: e.eventType, event_info: e.eventInfo, occur_time: e.occurTime })),
      ...instanceEvents,
    ].filter(
      (e) =>
        (q.event_type === undefined || e.event_type === q.event_type) &&
        (q.start_time === undefined || e.occur_time >= q.start_time) &&
        (q.end_time === undefined || e.occur_time <= q.end_time),
    );
    events = events.sort((a, b) => a.occur_time - b.occur_time);
    if (q.order === "desc") events.reverse();
    const page = events.slice(q.offset, q.offset + q.limit);
    ctx.body = {
      service_id: s.id,
      service_name: r.serviceName,
      total_count: events.length,
      count: page.length,
      events: page,
    };
  });

  router.get(`${base}/:service_id/logs`, auth, validate(ServiceLogQuery, "query"), (ctx) => {
    const q = input(ctx, ServiceLogQuery);
    const s = access.service(ctx);
    const r = services.record(s);
    const { status } = services.status(s);
    const last = r.updates.length - 1;
    // The latest update is RUNNING until its replica sets converge (SUCCESS) or fail (FAIL).
    const result = (i: number, stored: string) =>
      i < last || stored !== "RUNNING"
        ? stored === "RUNNING"
          ? "SUCCESS"
          : stored
        : status === "running" || status === "stopped"
          ? "SUCCESS"
          : status === "failed"
            ? "FAIL"
            : "RUNNING";
    ctx.body = {
      service_id: s.id,
      service_name: r.serviceName,
      logs: r.updates
        .map((u, i) => ({
          update_time: u.updateTime,
          result: result(i, u.result),
          config: u.config.map((c) => presentConfig(deps, c)),
          extend_config: [],
        }))
        .filter((l) => q.update_time === undefined || l.update_time === q.update_time),
    };
  });

  router.put(`${base}/:service_id/property`, auth, validate(ServiceProperty), (ctx) => {
    const body = input(ctx, ServiceProperty);
    const s = access.service(ctx);
    access.mayChange(ctx, s);
    const { status } = services.status(s);
    if (!["running", "concerning", "failed"].includes(status))
      throw new ModelArtsError(
        400,
        GENERIC.conflict,
        `service ${s.id} is ${status}: instance_count changes only on a running, concerning or failed service`,
      );
    let updateTime = 0;
    for (const c of body.configs) {
      const config = services.record(s).configs.find((x) => x.modelId === c.model_id);
      if (!config) throw invalid("configs.model_id", `the service does not deploy model ${c.model_id}`);
      if (config.instanceCount === c.changed_value)
        throw invalid(
          "configs.changed_value",
          `must differ from the current instance count ${config.instanceCount}`,
        );
      if (c.changed_value < 1) throw invalid("configs.changed_value", "must be at least 1");
      updateTime = services.scaleModel(s, c.model_id, c.changed_value, access.caller(ctx));
    }
    ctx.body = {
      update_time: updateTime,
      resource_ids: services.record(s).configs.map((x) => x.coreServiceId),
    };
  });

  router.patch(`${base}/:service_id`, auth, validate(ServicePatch), (ctx) => {
    const ops = input(ctx, ServicePatch);
    const s = access.service(ctx);
    access.mayChange(ctx, s);
    const configs = services
      .record(s)
      .configs.map((c) => ({ ...configRequestOf(c) }) as Record<string, unknown>);
    for (const op of ops) {
      const [, , indexText, field] = op.path.split("/") as [string, string, string, string];
      const target = configs[Number(indexText)];
      if (!target) throw invalid("path", `${op.path}: the service has ${configs.length} config(s)`);
      if (!(field in ServiceConfig.shape))
        throw invalid("path", `${op.path}: a config has no field ${field}`);
      target[field] = op.value;
    }
    const parsed = ServiceConfig.array().safeParse(configs);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw invalid(`config.${issue?.path.join(".") ?? ""}`, issue?.message ?? "malformed");
    }
    const updateTime = services.updateConfigs(
      s,
      configInputs(deps, access.caller(ctx), parsed.data),
      access.caller(ctx),
    );
    ctx.body = {
      update_time: updateTime,
      resource_ids: services.record(s).configs.map((c) => c.coreServiceId),
    };
  });

  router.post(`${base}/:service_id/tags/create`, auth, validate(TagsCreate), (ctx) => {
    const body = input(ctx, TagsCreate);
    const s = access.service(ctx);
    access.mayChange(ctx, s);
    // An existing key takes the new value.
    const tags = new Map(services.record(s).tags.map((t) => [t.key, t.value]));
    for (const t of body.tags) tags.set(t.key, t.value);
    if (tags.size > 20) throw invalid("tags", "a service has at most 20 tags");
    services.setTags(
      s,
      [...tags].map(([key, value]) => ({ key, value })),
    );
    ctx.status = 204;
  });

  router.delete(`${base}/:service_id/tags/delete`, auth, validate(TagsDelete), (ctx) => {
    const body = input(ctx, TagsDelete);
    const s = access.service(ctx);
    access.mayChange(ctx, s);
    const gone = (t: { key: string; value: string }) =>
      body.tags.some((d) => d.key === t.key && (d.value === undefined || d.value === t.value));
    services.setTags(
      s,
      services.record(s).tags.filter((t) => !gone(t)),
    );
    ctx.status = 204;
  });

  router.get("/v1/:project_id/internal-channel-info", auth, () => {
    throw unsupported(
      "the inference VPC access channel",
      "it is a VPC endpoint of Huawei's cloud; call services at their access_address on this hub",
    );
  });
}
