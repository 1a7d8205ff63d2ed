import type { Clock } from "./clock";

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

/**
 * Latest per-task CPU and memory usage from the agents' heartbeats, kept in memory only (docs/architecture.md §3:
 * a heartbeat never costs a synchronous SQLite write). Readers: OTE autoscaling and health.
 */
export class TaskMetricsService {
  private readonly byTask = new Map<string, TaskUsage>();

  constructor(private readonly clock: Clock) {}

  record(
    nodeId: string,
    samples: readonly { taskId: string; cpuPercent: number; memoryUsedMiB: number }[],
  ): void {
    const at = this.clock.now();
    for (const s of samples) {
      if (!s.taskId) continue;
      this.byTask.set(s.taskId, { cpuPercent: s.cpuPercent, memoryUsedMiB: s.memoryUsedMiB, nodeId, at });
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
}
