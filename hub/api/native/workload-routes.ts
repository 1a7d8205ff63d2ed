import type Router from "@koa/router";
import type { Core } from "../../core";
import { checkLabel } from "../../core/labels";
import type { Workload } from "../../core/model";
import type { ApiContext, ApiState } from "../context";
import { authenticate } from "../middleware/auth";
import { input, validate } from "../middleware/validate";
import { presentTaskMetricPoint } from "./presenters";
import { WorkloadJsonCache, type CachedWorkload } from "./workload-json";
import {
  IdParams,
  LeaseBody,
  LogsQuery,
  ProlongBody,
  StartBody,
  TaskLogParams,
  TaskMetricsQuery,
  WORKLOAD_LIST,
  WorkloadBody,
  WorkloadListQuery,
} from "./schemas";
import { continueToken } from "./page";
import { quotaOptions } from "./workload-quota";

export function workloadRoutes(router: Router<ApiState>, core: Core): void {
  const auth = authenticate(core.auth);
  // Pages serve each workload's cached JSON text; single answers present it afresh.
  const json = new WorkloadJsonCache(core);
  const present = (w: Workload) => json.present([w])[0];
  /** Owners see their workloads, as do the admins of its quota unit and the admin (core.authz). */
  const visible = (ctx: ApiContext, w: Workload): Workload => {
    core.authz.require(
      ctx.state.principal!.user,
      "object.read",
      { kind: "object", owner: w.owner, unitId: w.quotaUnitId },
      "not your workload",
    );
    return w;
  };

  router.post("/workloads", auth, validate(WorkloadBody), (ctx) => {
    const b = input(ctx, WorkloadBody);
    b.nodeSelector.forEach((l, i) => checkLabel(l, `nodeSelector.${i}`));
    const user = ctx.state.principal!.user;
    const quota = quotaOptions(core, b);
    // Membership of the quota unit and the priority right, decided by core.authz.
    core.authz.requireSubmit(user, { kind: quota.kind, unitId: quota.quotaUnitId, priority: quota.priority });
    const { workload } = core.workloads.submit({
      ...quota,
      name: b.name,
      owner: user.username,
      cluster: b.cluster ?? null,
      nodeSelector: b.nodeSelector,
      ...(b.tolerations ? { tolerations: b.tolerations } : {}),
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
  // Newest first; `limit` + `continue` page it (page.ts), without `limit` every workload from the position on.
  router.get("/workloads", auth, validate(WorkloadListQuery, "query"), (ctx) => {
    const q = input(ctx, WorkloadListQuery);
    const user = ctx.state.principal!.user;
    // Without units to administer a user sees only their own (the store filters); the admin sees
    // all. Otherwise core.authz decides per workload, so the store is read in batches until the
    // page is full.
    const admin = core.authz.isAdmin(user);
    const narrow = !admin && core.authz.administered(user).size === 0;
    const exact = admin || narrow;
    const want = q.limit === undefined ? Number.POSITIVE_INFINITY : q.limit + 1;
    const found: CachedWorkload[] = [];
    let after = q.continue;
    for (;;) {
      const ask = q.limit === undefined ? undefined : exact ? want - found.length : Math.max(want, 500);
      const batch = json.rows(
        core.workloads.listIds({
          owner: narrow ? user.username : undefined,
          states: q.state ? [q.state] : undefined,
          limit: ask,
          after,
        }),
      );
      for (const w of batch) {
        if (found.length >= want) break;
        const { owner, quotaUnitId } = w.head;
        const readable =
          exact || core.authz.can(user, "object.read", { kind: "object", owner, unitId: quotaUnitId });
        if (readable) found.push(w);
      }
      const last = batch[batch.length - 1]?.head;
      if (found.length >= want || ask === undefined || batch.length < ask || !last) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    const items = found.slice(0, q.limit);
    const last = items[items.length - 1]?.head;
    const token =
      found.length > items.length && last
        ? continueToken(WORKLOAD_LIST, { createdAt: last.createdAt, id: last.id })
        : null;
    // Byte for byte JSON.stringify of {items, continue?}, from each workload's cached text.
    ctx.type = "application/json";
    ctx.body = `{"items":[${items.map((w) => w.json).join(",")}]${token ? `,"continue":${JSON.stringify(token)}` : ""}}`;
  });
  const id = validate(IdParams, "params");
  const workload = (ctx: ApiContext) => visible(ctx, core.workloads.resolve(input(ctx, IdParams).id));
  router.get("/workloads/:id", auth, id, (ctx) => {
    ctx.body = present(workload(ctx));
  });
  router.post("/workloads/:id/stop", auth, id, (ctx) => {
    const w = workload(ctx);
    ctx.status = 202;
    ctx.body = present(core.workloads.stop(w));
  });
  router.post("/workloads/:id/start", auth, id, validate(StartBody), (ctx) => {
    const w = workload(ctx);
    const { leaseSec } = input(ctx, StartBody);
    ctx.status = 202;
    ctx.body = present(core.workloads.start(w, leaseSec !== undefined ? { leaseMs: leaseSec * 1000 } : {}));
  });
  router.put("/workloads/:id/lease", auth, id, validate(LeaseBody), (ctx) => {
    const w = workload(ctx);
    const { durationSec } = input(ctx, LeaseBody);
    ctx.body = present(core.workloads.setLease(w, durationSec === null ? null : durationSec * 1000));
  });
  router.post("/workloads/:id/lease/prolong", auth, id, validate(ProlongBody), (ctx) => {
    const w = workload(ctx);
    ctx.body = present(core.workloads.prolongLease(w, input(ctx, ProlongBody).bySec * 1000));
  });
  router.get("/workloads/:id/events", auth, id, (ctx) => {
    const w = workload(ctx);
    ctx.body = {
      items: core.workloads.events(w.id).map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    };
  });
  const logParams = validate(TaskLogParams, "params");
  router.get(
    "/workloads/:id/tasks/:index/logs",
    auth,
    logParams,
    validate(LogsQuery, "query"),
    async (ctx) => {
      const p = input(ctx, TaskLogParams);
      const q = input(ctx, LogsQuery);
      const w = visible(ctx, core.workloads.resolve(p.id));
      const text = await core.workloads.logs(w, p.index, { role: q.role, tailLines: q.tail });
      ctx.type = "text/plain; charset=utf-8";
      ctx.body = text;
    },
  );
  router.get(
    "/workloads/:id/tasks/:index/metrics",
    auth,
    logParams,
    validate(TaskMetricsQuery, "query"),
    (ctx) => {
      const p = input(ctx, TaskLogParams);
      const q = input(ctx, TaskMetricsQuery);
      const w = visible(ctx, core.workloads.resolve(p.id));
      const task = core.workloads.task(w, p.index, q.role);
      ctx.body = {
        items: core.taskMetrics.history(task.id, { from: q.from, to: q.to }).map(presentTaskMetricPoint),
      };
    },
  );
}
