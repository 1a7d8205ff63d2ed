import type { Clock } from "./clock";
import type { TaskMetricPoint } from "./model";
import type { TaskMetricsRepository } from "./repositories";

/** Width of one point. @default 60_000 ms */
export const TASK_METRICS_POINT_MS = 60_000;
/** How long points are kept. @default 7 days */
export const DEFAULT_TASK_METRICS_RETENTION_MS = 7 * 24 * 3_600_000;
/** Spacing of the retention prune (it runs inside flush). @default 600_000 ms */
const PRUNE_EVERY_MS = 600_000;

/** One heartbeat's usage of one task, GPU values already reduced over its GPUs. */
export interface TaskUsageSample {
  cpuPercent: number;
  memoryMiB: number;
  gpuUtilPercent: number | null;
  gpuMemoryMiB: number | null;
}

/** Sums of one task's current minute. */
interface Bucket {
  at: number;
  samples: number;
  cpu: number;
  memory: number;
  gpuUtil: { sum: number; n: number };
  gpuMemory: { sum: number; n: number };
}

/**
 * One-minute usage points per task. Heartbeat samples add up in memory; flush() writes the minutes
 * that are over in one batch (docs/architecture.md §3: never a synchronous SQLite write per heartbeat) and prunes
 * points past the retention. Readers see stored and not yet written points alike.
 */
export class TaskMetricsHistory {
  /** taskId -> the minute being summed. */
  private readonly open = new Map<string, Bucket>();
  /** Minutes that are over, waiting for the next flush. */
  private done: TaskMetricPoint[] = [];
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly repo: TaskMetricsRepository,
    private readonly clock: Clock,
    private readonly retentionMs: number = DEFAULT_TASK_METRICS_RETENTION_MS,
  ) {}

  /** Adds one sample of `taskId` taken at `at` (Unix ms). */
  add(taskId: string, at: number, s: TaskUsageSample): void {
    const minute = at - (at % TASK_METRICS_POINT_MS);
    let b = this.open.get(taskId);
    if (b && b.at !== minute) {
      this.done.push(toPoint(taskId, b));
      b = undefined;
    }
    if (!b) {
      b = {
        at: minute,
        samples: 0,
        cpu: 0,
        memory: 0,
        gpuUtil: { sum: 0, n: 0 },
        gpuMemory: { sum: 0, n: 0 },
      };
      this.open.set(taskId, b);
    }
    b.samples++;
    b.cpu += s.cpuPercent;
    b.memory += s.memoryMiB;
    if (s.gpuUtilPercent !== null) addTo(b.gpuUtil, s.gpuUtilPercent);
    if (s.gpuMemoryMiB !== null) addTo(b.gpuMemory, s.gpuMemoryMiB);
  }

  /**
   * Writes every minute that is over (with `all`, the current ones too: at shutdown; a later sample
   * of that minute merges with the stored point) and prunes old points. Returns points written.
   */
  flush(all = false): number {
    const now = this.clock.now();
    for (const [taskId, b] of this.open) {
      if (all || now >= b.at + TASK_METRICS_POINT_MS) {
        this.done.push(toPoint(taskId, b));
        this.open.delete(taskId);
      }
    }
    const points = this.done;
    this.done = [];
    if (points.length > 0) this.repo.write(points);
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      this.repo.prune(now - this.retentionMs);
    }
    return points.length;
  }

  /** The task's points with from <= at < to, oldest first, within the retention. */
  history(taskId: string, from: number, to: number): TaskMetricPoint[] {
    const start = Math.max(from, this.clock.now() - this.retentionMs);
    const memory = [...this.done.filter((p) => p.taskId === taskId)];
    const b = this.open.get(taskId);
    if (b) memory.push(toPoint(taskId, b));
    const byMinute = new Map<number, TaskMetricPoint>();
    for (const p of [...this.repo.range(taskId, start, to), ...memory]) {
      if (p.at < start || p.at >= to) continue;
      const seen = byMinute.get(p.at);
      byMinute.set(p.at, seen ? mergePoints(seen, p) : p);
    }
    return [...byMinute.values()].sort((a, b) => a.at - b.at);
  }
}

const addTo = (acc: { sum: number; n: number }, v: number): void => {
  acc.sum += v;
  acc.n++;
};

function toPoint(taskId: string, b: Bucket): TaskMetricPoint {
  return {
    taskId,
    at: b.at,
    cpuPercent: b.cpu / b.samples,
    memoryMiB: b.memory / b.samples,
    gpuUtilPercent: b.gpuUtil.n > 0 ? b.gpuUtil.sum / b.gpuUtil.n : null,
    gpuMemoryMiB: b.gpuMemory.n > 0 ? b.gpuMemory.sum / b.gpuMemory.n : null,
    samples: b.samples,
  };
}

/** Same weighting as the store's upsert: by samples; a null side takes the other. */
function mergePoints(a: TaskMetricPoint, b: TaskMetricPoint): TaskMetricPoint {
  const n = a.samples + b.samples;
  const mean = (x: number, y: number) => (x * a.samples + y * b.samples) / n;
  const nullable = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : mean(x, y));
  return {
    taskId: a.taskId,
    at: a.at,
    cpuPercent: mean(a.cpuPercent, b.cpuPercent),
    memoryMiB: mean(a.memoryMiB, b.memoryMiB),
    gpuUtilPercent: nullable(a.gpuUtilPercent, b.gpuUtilPercent),
    gpuMemoryMiB: nullable(a.gpuMemoryMiB, b.gpuMemoryMiB),
    samples: n,
  };
}
