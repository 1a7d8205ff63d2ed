import type Router from "@koa/router";
import { z } from "zod";
import type { Cluster, Task, Workload } from "../../core/model";
import type { ApiState } from "../context";
import { compose } from "../middleware/compose";
import { input, validate } from "../middleware/validate";
import type { ModelArtsDeps } from "./deps";
import { poolErrors } from "./pool-errors";
import { findPool, LABEL, poolPhase, poolResources } from "./pool-model";
import { poolLabels } from "./pool-presenter";
import { PoolParams } from "./pool-schemas";
import {
  emptyCounts,
  placed,
  poolUsage,
  poolWorkloads,
  quantity,
  workloadStatus,
  workloadType,
  type Amount,
} from "./pool-usage";

const MonitorQuery = z.object({
  time_range: z.string().max(64).optional(),
  statistics: z.enum(["maximum", "minimum", "sum", "average", "sampleCount"]).optional(),
  period: z.string().regex(/^\d+$/, "must be seconds").optional(),
});
const WorkloadsQuery = z.object({
  type: z.enum(["train", "infer", "notebook"], "must be train, infer or notebook").optional(),
  status: z.string().max(32).optional(),
  sort: z.enum(["create_time", "running_duration", "pending_duration"]).optional(),
  ascend: z.enum(["true", "false"]).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const JobsQuery = z.object({
  type: z.enum(["train", "infer", "notebook"], "must be train, infer or notebook").optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  since: z.coerce.number().int().min(0).optional(),
  until: z.coerce.number().int().min(0).optional(),
  resource: z.string().max(128).optional(),
  name: z.string().max(128).optional(),
});
const WorkspaceQuery = z.object({ workspaceId: z.string().max(64).optional() });

/** What a workload asks for: each role's requests times its instances. */
function requirement(w: Workload): Amount {
  return w.roles.reduce(
    (a, r) => ({
      cpuCores: a.cpuCores + (r.resources.cpuMilli * r.instances) / 1000,
      memoryMiB: a.memoryMiB + r.resources.memoryMiB * r.instances,
      gpus: a.gpus + r.resources.gpu * r.instances,
    }),
    { cpuCores: 0, memoryMiB: 0, gpus: 0 },
  );
}

/**
 * Usage of resource pools: monitor, runtime metrics (allocated against capacity from the real
 * inventory and placements), statistics, the workloads in a pool and their counts, and the
 * caller's jobs (`/v2/{project_id}/jobs`).
 */
export function poolUsageRoutes(router: Router<ApiState>, deps: ModelArtsDeps): void {
  const { core, project } = deps;
  const auth = compose([poolErrors(), deps.auth]);
  const params = validate(PoolParams, "params");
  const now = () => core.clock.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  const nodeAddress = (id: string | null) => (id ? (core.nodes.findById(id)?.address ?? "") : "");

  const presentWorkload = (w: Workload, tasks: Task[]) => {
    const t = now();
    const started = tasks.map((x) => x.startedAt).filter((x): x is number => x !== null);
    const firstStart = started.length > 0 ? Math.min(...started) : null;
    const hosts = [...new Set(tasks.filter(placed).map((x) => nodeAddress(x.nodeId)))].filter((h) => h);
    return {
      apiVersion: "v2",
      kind: "Workload",
      type: workloadType(w),
      namespace: w.quotaUnitId ?? "",
      name: w.name,
      job_name: w.name,
      uid: w.id,
      job_uuid: w.id,
      flavor: "",
      status: workloadStatus(w).replace(/^./, (c) => c.toUpperCase()),
      resource_requirement: quantity(requirement(w)),
      priority: String(w.priority),
      running_duration: firstStart === null ? 0 : (w.finishedAt ?? t) - firstStart,
      pending_duration: (firstStart ?? w.finishedAt ?? t) - w.createdAt,
      create_time: w.createdAt,
      host_ips: hosts.join(","),
      nodes: hosts.map((h) => ({ host_ip: h })),
    };
  };

  router.get(
    "/v2/:project_id/pools/:pool_name/monitor",
    auth,
    params,
    validate(MonitorQuery, "query"),
    (ctx) => {
      const cluster = findPool(core, input(ctx, PoolParams).pool_name);
      const statistic = input(ctx, MonitorQuery).statistics ?? "average";
      const u = poolUsage(core, cluster);
      const point = (value: number, unit: string) => ({
        timestamp: now(),
        unit,
        statistics: [{ statistic, value }],
      });
      const metric = (name: string, value: number, unit: string) => ({
        metric: {
          dimensions: [{ name: "pool_id", value: cluster.name }],
          metric_name: name,
          namespace: "SYS.ModelArts",
        },
        data_points: [point(value, unit)],
      });
      const cpuUtil = core.nodes
        .list({ clusterId: cluster.id })
        .map((n) => n.metrics?.cpuPercent)
        .filter((x): x is number => x !== undefined);
      ctx.body = {
        metrics: [
          metric("cpu_allocated", u.allocated.cpuCores, "Core"),
          metric("cpu_capacity", u.capacity.cpuCores, "Core"),
          metric("mem_allocated", u.allocated.memoryMiB, "MiB"),
          metric("mem_capacity", u.capacity.memoryMiB, "MiB"),
          metric("gpu_allocated", u.allocated.gpus, "Count"),
          metric("gpu_capacity", u.capacity.gpus, "Count"),
          metric(
            "cpu_usage",
            cpuUtil.length === 0 ? 0 : cpuUtil.reduce((s, x) => s + x, 0) / cpuUtil.length,
            "Percent",
          ),
        ],
      };
    },
  );

  router.get("/v2/:project_id/metrics/runtime/pools", auth, (ctx) => {
    const stamp = iso(now());
    ctx.body = {
      apiVersion: "v2",
      kind: "List",
      items: core.clusters.list().map((c: Cluster) => {
        const u = poolUsage(core, c);
        return {
          metadata: { name: c.name, labels: poolLabels(c, project) },
          table: {
            allocated: { value: quantity(u.allocated), timestamp: stamp, window: "0s" },
            capacity: {
              value: quantity(u.capacity),
              maxValue: quantity(u.maxCapacity),
              timestamp: stamp,
              window: "0s",
            },
          },
        };
      }),
    };
  });

  router.get("/v2/:project_id/statistics/pools", auth, validate(WorkspaceQuery, "query"), (ctx) => {
    const ws = input(ctx, WorkspaceQuery).workspaceId;
    const status = { creating: 0, created: 0, failed: 0, pending: 0 };
    for (const c of core.clusters.list()) {
      if (ws !== undefined && poolLabels(c, project)[LABEL.workspace] !== ws) continue;
      const phase = poolPhase(poolResources(core, c)).phase;
      if (phase === "Creating") status.creating += 1;
      else status.created += 1;
    }
    ctx.body = { statistics: { status }, operationTime: iso(now()) };
  });

  router.get("/v2/:project_id/statistics/pools/:pool_name/workloads", auth, params, (ctx) => {
    const cluster = findPool(core, input(ctx, PoolParams).pool_name);
    const byType = new Map<string, ReturnType<typeof emptyCounts>>();
    for (const { workload } of poolWorkloads(core, cluster)) {
      const counts = byType.get(workloadType(workload)) ?? emptyCounts();
      counts[workloadStatus(workload)] += 1;
      byType.set(workloadType(workload), counts);
    }
    const items = [...byType.entries()].map(([type, status]) => ({
      type,
      total: Object.values(status).reduce((s, x) => s + x, 0),
      status,
    }));
    ctx.body = { statistics: { total: items.reduce((s, i) => s + i.total, 0), items } };
  });

  router.get(
    "/v2/:project_id/pools/:pool_name/workloads",
    auth,
    params,
    validate(WorkloadsQuery, "query"),
    (ctx) => {
      const cluster = findPool(core, input(ctx, PoolParams).pool_name);
      const q = input(ctx, WorkloadsQuery);
      const items = poolWorkloads(core, cluster)
        .map(({ workload, tasks }) => presentWorkload(workload, tasks))
        .filter(
          (w) =>
            (q.type === undefined || w.type === q.type) &&
            (q.status === undefined || w.status.toLowerCase() === q.status.toLowerCase()),
        );
      const key = q.sort ?? "create_time";
      items.sort((a, b) => (q.ascend === "true" ? a[key] - b[key] : b[key] - a[key]));
      const start = q.offset ?? 0;
      ctx.body = {
        apiVersion: "v2",
        kind: "WorkloadList",
        items: items.slice(start, start + (q.limit ?? 500)),
      };
    },
  );

  router.get("/v2/:project_id/jobs", auth, validate(JobsQuery, "query"), (ctx) => {
    const q = input(ctx, JobsQuery);
    const user = ctx.state.principal!.user;
    const clusterName = (id: string | null) => (id ? (core.clusters.byId(id)?.name ?? "") : "");
    const jobs = core.workloads
      .list({ owner: user.username })
      .filter(
        (w) =>
          (q.type === undefined || workloadType(w) === q.type) &&
          (q.name === undefined || w.name.includes(q.name)) &&
          (q.since === undefined || w.createdAt >= q.since) &&
          (q.until === undefined || w.createdAt < q.until) &&
          (q.resource === undefined || clusterName(w.clusterId) === q.resource),
      )
      .sort((a, b) => b.createdAt - a.createdAt);
    const start = q.offset ?? 0;
    ctx.body = {
      count: jobs.length,
      items: jobs.slice(start, start + (q.limit ?? 500)).map((w) => ({
        start_timestamp: w.createdAt,
        end_timestamp: w.finishedAt ?? 0,
        job_id: w.id,
        job_name: w.name,
        involved_objects: clusterName(w.clusterId),
        inputs: "",
        phase: workloadStatus(w).replace(/^./, (c) => c.toUpperCase()),
        suspend: false,
        type: workloadType(w),
        conditions: "",
        message: "",
      })),
    };
  });
}
