import type { Clock } from "./clock";
import { ForbiddenError, RateLimitedError, ValidationError } from "./errors";
import type { TaskRole } from "./model";

/**
 * Bounds on what one submission and one user may ask of the hub, whatever the surface, so that
 * `instances: 1000` twice cannot stall it: tasks per workload, live tasks per user, submissions
 * per user per minute, and the CPU/memory a task gets (request and container limit) when it
 * names none.
 */
export interface WorkloadLimits {
  /** Tasks (instances of every role) in one workload. @default 1000 */
  maxTasksPerWorkload: number;
  /** Tasks of one user's unfinished workloads together. @default 10000 */
  maxLiveTasksPerUser: number;
  /** Submissions per user per minute; 0 = unlimited. @default 600 */
  submitsPerMinute: number;
  /** CPU of a task that names none, millicores (also its container's limit). @default 100 */
  defaultCpuMilli: number;
  /** Memory of a task that names none, MiB (also its container's limit). @default 256 */
  defaultMemoryMiB: number;
}

export const DEFAULT_WORKLOAD_LIMITS: WorkloadLimits = {
  maxTasksPerWorkload: 1000,
  maxLiveTasksPerUser: 10_000,
  submitsPerMinute: 600,
  defaultCpuMilli: 100,
  defaultMemoryMiB: 256,
};

/** A user's live tasks or submission rate is past its limit: a forbidden kind (403). */
export class WorkloadLimitError extends ForbiddenError {}

const MINUTE_MS = 60_000;

export class WorkloadGate {
  /** Per owner: start of the current minute and submissions in it. */
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limits: WorkloadLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * CPU-only roles with the default CPU and memory where they name none (0). GPU roles are left
   * as they are: each task holds a GPU, so a node takes few of them anyway, and their CPU is not
   * made a quota claim the unit never gave (Run:ai projects with GPU quota only).
   */
  withDefaults(roles: readonly TaskRole[]): TaskRole[] {
    return roles.map((r) => {
      if (r.resources.gpu > 0) return r;
      const cpuMilli = r.resources.cpuMilli > 0 ? r.resources.cpuMilli : this.limits.defaultCpuMilli;
      const memoryMiB = r.resources.memoryMiB > 0 ? r.resources.memoryMiB : this.limits.defaultMemoryMiB;
      if (cpuMilli === r.resources.cpuMilli && memoryMiB === r.resources.memoryMiB) return r;
      return { ...r, resources: { ...r.resources, cpuMilli, memoryMiB } };
    });
  }

  /** Throws when one workload of `roles` is too large. */
  checkSize(roles: readonly TaskRole[]): number {
    const tasks = roles.reduce((n, r) => n + r.instances, 0);
    if (tasks > this.limits.maxTasksPerWorkload)
      throw new ValidationError(
        "instances",
        `a workload may have at most ${this.limits.maxTasksPerWorkload} tasks, this one has ${tasks}`,
      );
    return tasks;
  }

  /** Throws when `owner` may not submit `tasks` more now (live tasks, then the per-minute rate). */
  /** `held`: the role instances of the owner's unfinished workloads (WorkloadRepository.liveInstancesOf). */
  admit(owner: string, tasks: number, held: number): void {
    if (held + tasks > this.limits.maxLiveTasksPerUser)
      throw new WorkloadLimitError(
        `${owner} has ${held} unfinished tasks; at most ${this.limits.maxLiveTasksPerUser} are allowed`,
      );
    if (this.limits.submitsPerMinute <= 0) return;
    const now = this.clock.now();
    let w = this.windows.get(owner);
    if (!w || now - w.start >= MINUTE_MS) {
      w = { start: now, count: 0 };
      this.windows.set(owner, w);
    }
    if (w.count >= this.limits.submitsPerMinute) {
      const wait = Math.max(1, Math.ceil((w.start + MINUTE_MS - now) / 1000));
      throw new RateLimitedError(
        `at most ${this.limits.submitsPerMinute} submissions a minute: retry in ${wait} s`,
        wait,
      );
    }
    w.count += 1;
  }
}
