import type { Clock } from "./clock";
import type { NodeMetrics, TaskMetricPoint } from "./model";
import type { TaskMetricsRepository } from "./repositories";
import { TASK_METRICS_POINT_MS, TaskMetricsHistory } from "./task-metrics-history";

/** One task's latest usage as its agent reported it. cpuPercent: percent of one core (docker stats). */
export interface TaskUsage {
  cpuPercent: number;
  memoryUsedMiB: number;
  nodeId: string;
  /** Unix ms when the hub received it. */
  at: number;
}

/** Samples older than this are ignored by readers. @default 60_000 ms */
const STALE_AFTER_MS = 60_000;
/** A history read with no `to` ends now; with no `from` it starts this long before `to`. @default 1 h */
const DEFAULT_HISTORY_SPAN_MS = 3_600_000;

export interface TaskMetricsOptions {
  /** How long one-minute points are kept. @default 7 days */
  retentionMs?: number;
}

/**
 * Per-task usage from the agents' heartbeats: the latest sample in memory (OTE autoscaling and
 * health read it) and one-minute points of CPU, memory, GPU utilisation and GPU memory, summed in
 * memory and written in batches by flush() (docs/architecture.md §3: a heartbeat never costs a synchronous
 * SQLite write). GPU values come from the node's per-GPU metrics of the same heartbeat, over the
 * GPUs the task was assigned.
 */
export class TaskMetricsService {
  private readonly byTask = new Map<string, TaskUsage>();
  private readonly points: TaskMetricsHistory;
  /** taskId -> its GPU UUIDs, looked up once per task and minute. */
  private readonly gpuCache = new Map<string, { minute: number; uuids: readonly string[] }>();

  constructor(
    private readonly clock: Clock,
    repo: TaskMetricsRepository,
    private readonly gpusOf: (taskId: string) => readonly string[],
    options: TaskMetricsOptions = {},
  ) {
    this.points = new TaskMetricsHistory(repo, clock, options.retentionMs);
  }

  record(
    nodeId: string,
    samples: readonly { taskId: string; cpuPercent: number; memoryUsedMiB: number }[],
    gpus: NodeMetrics["gpus"] = [],
  ): void {
    const at = this.clock.now();
    const gpuByUuid = new Map(gpus.map((g) => [g.uuid, g]));
    for (const s of samples) {
      if (!s.taskId) continue;
      this.byTask.set(s.taskId, { cpuPercent: s.cpuPercent, memoryUsedMiB: s.memoryUsedMiB, nodeId, at });
      const mine = this.taskGpus(s.taskId, at).flatMap((u) => gpuByUuid.get(u) ?? []);
      const util = mine.flatMap((g) => g.utilizationPercent ?? []);
      const memory = mine.flatMap((g) => g.memoryUsedMiB ?? []);
      this.points.add(s.taskId, at, {
        cpuPercent: s.cpuPercent,
        memoryMiB: s.memoryUsedMiB,
        gpuUtilPercent: util.length > 0 ? util.reduce((a, b) => a + b, 0) / util.length : null,
        gpuMemoryMiB: memory.length > 0 ? memory.reduce((a, b) => a + b, 0) : null,
      });
    }
  }

  /** The task's latest fresh sample, or undefined. */
  get(taskId: string): TaskUsage | undefined {
    const u = this.byTask.get(taskId);
    if (!u) return undefined;
    if (this.clock.now() - u.at > STALE_AFTER_MS) {
      this.byTask.delete(taskId);
      return undefined;
    }
    return u;
  }

  forget(taskId: string): void {
    this.byTask.delete(taskId);
  }

  /**
   * One-minute points of the task, oldest first, with from <= at < to (Unix ms).
   * @default to now, from an hour before `to`
   */
  history(taskId: string, range: { from?: number; to?: number } = {}): TaskMetricPoint[] {
    const to = range.to ?? this.clock.now() + 1;
    return this.points.history(taskId, range.from ?? to - DEFAULT_HISTORY_SPAN_MS, to);
  }

  /** Writes the minutes that are over (all of them with `all`, at shutdown); returns points written. */
  flush(all = false): number {
    const minute = this.minuteOf(this.clock.now());
    for (const [taskId, c] of this.gpuCache) if (c.minute !== minute) this.gpuCache.delete(taskId);
    return this.points.flush(all);
  }

  private taskGpus(taskId: string, at: number): readonly string[] {
    const minute = this.minuteOf(at);
    const cached = this.gpuCache.get(taskId);
    if (cached?.minute === minute) return cached.uuids;
    const uuids = this.gpusOf(taskId);
    this.gpuCache.set(taskId, { minute, uuids });
    return uuids;
  }

  private minuteOf(at: number): number {
    return at - (at % TASK_METRICS_POINT_MS);
  }
}
