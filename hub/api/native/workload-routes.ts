import type Router from "@koa/router";
import type { Core } from "../../core";
import { ForbiddenError, ValidationError } from "../../core/errors";
import { checkLabel } from "../../core/labels";
import type { Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { presentTaskMetricPoint, presentWorkload } from "./presenters";
import {
  LeaseBody,
  LogsQuery,
  ProlongBody,
  StartBody,
  TaskMetricsQuery,
  WorkloadBody,
  WorkloadListQuery,
} from "./schemas";
import { quotaOptions } from "./workload-quota";

export function workloadRoutes(router: Router<ApiState>, core: Core): void {
  const auth = authenticate(core.auth);
  const nodeName = (id: string) => core.nodes.findById(id)?.name ?? null;
  const present = (w: Workload) => ({
    ...presentWorkload(
      w,
      core.workloads.tasks(w.id),
      w.clusterId ? (core.clusters.byId(w.clusterId)?.name ?? null) : null,
      nodeName,
    ),
    quotaUnit: w.quotaUnitId ? (core.quotaUnits.find(w.quotaUnitId)?.name ?? null) : null,
    nodePool: w.nodePoolId ? (core.nodePools.find(w.nodePoolId)?.name ?? null) : null,
    priority: w.priority,
    preemptible: w.preemptible,
    preemptions: core.preemptions.count(w),
  });
  /** Owners see their workloads; admins see all. */
  const visible = (ctx: ApiContext, w: Workload): Workload => {
    const user = ctx.state.principal!.user;
    if (!user.admin && w.owner !== user.username) throw new ForbiddenError("not your workload");
    return w;
  };

  router.post("/workloads", auth, validate(WorkloadBody), (ctx) => {
    const b = input(ctx, WorkloadBody);
    b.nodeSelector.forEach((l, i) => checkLabel(l, `nodeSelector.${i}`));
    const names = new Set<string>();
    for (const [i, p] of b.ports.entries()) {
      if (names.has(p.name)) throw new ValidationError(`ports.${i}.name`, `duplicate port name ${p.name}`);
      names.add(p.name);
    }
    const { workload } = core.workloads.submit({
      ...quotaOptions(core, b),
      name: b.name,
      owner: ctx.state.principal!.user.username,
      cluster: b.cluster ?? null,
      nodeSelector: b.nodeSelector,
      gang: b.gang,
      disconnectTimeoutSec: b.disconnectTimeoutSec,
      stopGraceSec: b.stopGraceSec,
      ...(b.leaseSec !== undefined ? { leaseMs: b.leaseSec * 1000 } : {}),
      roles: [
        {
          name: "main",
          image: b.image,
          command: b.command,
          env: b.env,
          instances: b.instances,
          resources: b.resources,
          ports: b.ports,
          maxAttempts: b.retries + 1,
          ...(b.volumes.length > 0 ? { volumes: b.volumes } : {}),
        },
      ],
    });
    ctx.status = 201;
    ctx.body = present(workload);
  });
  router.get("/workloads", auth, validate(WorkloadListQuery, "query"), (ctx) => {
    const q = input(ctx, WorkloadListQuery);
    const user = ctx.state.principal!.user;
    const items = core.workloads.list({
      owner: user.admin ? undefined : user.username,
      states: q.state ? [q.state] : undefined,
      limit: q.limit,
    });
    ctx.body = { items: items.map(present) };
  });
  router.get("/workloads/:id", auth, (ctx) => {
    ctx.body = present(visible(ctx, core.workloads.resolve(ctx.params.id as string)));
  });
  router.post("/workloads/:id/stop", auth, (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    ctx.status = 202;
    ctx.body = present(core.workloads.stop(w));
  });
  router.post("/workloads/:id/start", auth, validate(StartBody), (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    const { leaseSec } = input(ctx, StartBody);
    ctx.status = 202;
    ctx.body = present(core.workloads.start(w, leaseSec !== undefined ? { leaseMs: leaseSec * 1000 } : {}));
  });
  router.put("/workloads/:id/lease", auth, validate(LeaseBody), (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    const { durationSec } = input(ctx, LeaseBody);
    ctx.body = present(core.workloads.setLease(w, durationSec === null ? null : durationSec * 1000));
  });
  router.post("/workloads/:id/lease/prolong", auth, validate(ProlongBody), (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    ctx.body = present(core.workloads.prolongLease(w, input(ctx, ProlongBody).bySec * 1000));
  });
  router.get("/workloads/:id/events", auth, (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    ctx.body = {
      items: core.workloads.events(w.id).map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    };
  });
  router.get("/workloads/:id/tasks/:index/logs", auth, validate(LogsQuery, "query"), async (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    const index = Number(ctx.params.index);
    if (!Number.isInteger(index) || index < 0)
      throw new ValidationError("index", "must be a non-negative integer");
    const text = await core.workloads.logs(w, index, {
      role: ctx.query.role as string | undefined,
      tailLines: input(ctx, LogsQuery).tail,
    });
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = text;
  });
  router.get("/workloads/:id/tasks/:index/metrics", auth, validate(TaskMetricsQuery, "query"), (ctx) => {
    const w = visible(ctx, core.workloads.resolve(ctx.params.id as string));
    const q = input(ctx, TaskMetricsQuery);
    const task = core.workloads.task(w, taskIndex(ctx.params.index), q.role);
    ctx.body = {
      items: core.taskMetrics.history(task.id, { from: q.from, to: q.to }).map(presentTaskMetricPoint),
    };
  });
}

/** A task index path parameter: a non-negative integer. */
function taskIndex(raw: string | undefined): number {
  const index = Number(raw);
  if (!Number.isInteger(index) || index < 0)
    throw new ValidationError("index", "must be a non-negative integer");
  return index;
}
