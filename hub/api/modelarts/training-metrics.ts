import type { Core } from "../../core";
import type { Task, TaskMetricPoint, Workload } from "../../core/model";
import { TASK_METRICS_POINT_MS } from "../../core/task-metrics-history";

/** The longest series a metrics answer holds: one day of minutes. */
export const MAX_METRIC_MINUTES = 24 * 60;

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * A task's metrics as ModelArts shows them: one value per minute from the task's start to its end
 * (or now, at most the last day), each the mean of that minute's heartbeats, -1 for a minute with
 * none. cpuUsage: percent of the task's requested cores; memUsage: percent of its requested
 * memory; gpuUtil: mean utilisation of its GPUs, percent; gpuMemUsage: percent of its GPUs'
 * memory. GPU series are -1 throughout for a task without GPUs.
 */
export function presentTaskMetrics(
  core: Core,
  w: Workload,
  task: Task,
): { metric: string; value: number[] }[] {
  const role = w.roles.find((r) => r.name === task.role);
  const names = ["cpuUsage", "memUsage", "gpuUtil", "gpuMemUsage"];
  if (!role || task.startedAt === null) return names.map((metric) => ({ metric, value: [] }));
  const minute = TASK_METRICS_POINT_MS;
  const end = task.finishedAt ?? core.clock.now();
  const from = Math.max(
    Math.floor(task.startedAt / minute) * minute,
    Math.floor(end / minute) * minute - (MAX_METRIC_MINUTES - 1) * minute,
  );
  const points = new Map<number, TaskMetricPoint>();
  for (const p of core.taskMetrics.history(task.id, { from, to: end + 1 })) points.set(p.at, p);
  const gpuMemTotal = task.gpuUuids.reduce((sum, uuid) => {
    const node = task.nodeId ? core.nodes.findById(task.nodeId) : undefined;
    return sum + (node?.hardware?.gpus.find((g) => g.uuid === uuid)?.memoryMiB ?? 0);
  }, 0);
  const cores = role.resources.cpuMilli / 1000;
  const series: Record<string, number[]> = { cpuUsage: [], memUsage: [], gpuUtil: [], gpuMemUsage: [] };
  for (let at = from; at <= end; at += minute) {
    const p = points.get(at);
    series.cpuUsage!.push(p && cores > 0 ? round(p.cpuPercent / cores) : -1);
    series.memUsage!.push(
      p && role.resources.memoryMiB > 0 ? round((p.memoryMiB / role.resources.memoryMiB) * 100) : -1,
    );
    series.gpuUtil!.push(p && p.gpuUtilPercent !== null ? round(p.gpuUtilPercent) : -1);
    series.gpuMemUsage!.push(
      p && p.gpuMemoryMiB !== null && gpuMemTotal > 0 ? round((p.gpuMemoryMiB / gpuMemTotal) * 100) : -1,
    );
  }
  return names.map((metric) => ({ metric, value: series[metric]! }));
}
