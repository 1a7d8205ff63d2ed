import type { Core } from "../../core";
import type { Task, Workload } from "../../core/model";

/**
 * One whole-job attempt as OpenPAI shows it (`attemptIndex` from 0): the workload as it was then
 * and its tasks as they ended. The latest attempt is the workload itself.
 */
export interface JobAttemptView {
  index: number;
  isLatest: boolean;
  workload: Workload;
  tasks: readonly Task[];
  startedAt: number;
}

/**
 * OpenPAI's job attempt history, over the core's past attempts (core.workloads.attempts): the
 * lifecycle keeps each failed whole-job attempt with its tasks as they ended when it retries.
 */
export class AttemptHistory {
  constructor(private readonly core: Core) {}

  /** Every attempt of the job, newest first. */
  list(w: Workload): JobAttemptView[] {
    const past = this.core.workloads.attempts(w.id);
    const views: JobAttemptView[] = past.map((a) => ({
      index: a.attempt - 1,
      isLatest: false,
      workload: {
        ...w,
        state: "failed",
        ending: "fail",
        jobAttempt: a.attempt,
        updatedAt: a.finishedAt,
        finishedAt: a.finishedAt,
      },
      tasks: a.tasks,
      startedAt: a.startedAt,
    }));
    views.push({
      index: w.jobAttempt - 1,
      isLatest: true,
      workload: w,
      tasks: this.core.workloads.tasks(w.id),
      startedAt: past.at(-1)?.finishedAt ?? w.createdAt,
    });
    return views.reverse();
  }

  /** The attempt `index` names (a decimal attemptIndex), or undefined. */
  find(w: Workload, index: string | undefined): JobAttemptView | undefined {
    if (index === undefined || !/^\d+$/.test(index)) return undefined;
    return this.list(w).find((a) => a.index === Number(index));
  }
}
