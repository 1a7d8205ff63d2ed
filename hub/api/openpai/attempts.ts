import type { Logger } from "pino";
import type { Core } from "../../core";
import { TERMINAL_TASK_STATES, type Task, type Workload } from "../../core/model";
import { jobMeta } from "./job-meta";

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
 * OpenPAI's job attempt history. When a job's attempt fails with whole-job retries left, its tasks
 * as they ended are kept (store.openpaiAttempts) before the next attempt resets them; tasks still
 * running then were stopped by the retry and are shown so.
 */
export class AttemptHistory {
  constructor(
    private readonly core: Core,
    logger: Logger,
  ) {
    core.signals.jobAttemptFailed.on(({ workload, tasks }) => {
      if (!jobMeta(workload)) return;
      try {
        this.record(workload, tasks);
      } catch (err) {
        logger.error({ err, workloadId: workload.id }, "could not keep the job attempt's history");
      }
    });
  }

  private record(workload: Workload, tasks: readonly Task[]): void {
    const past = this.core.store.openpaiAttempts.byWorkload(workload.id);
    const now = this.core.clock.now();
    this.core.store.openpaiAttempts.insert({
      workloadId: workload.id,
      attempt: workload.jobAttempt,
      startedAt: past.at(-1)?.finishedAt ?? workload.createdAt,
      finishedAt: now,
      tasks: tasks.map((t) =>
        TERMINAL_TASK_STATES.has(t.state) ? t : { ...t, state: "stopped", reason: null, finishedAt: now },
      ),
    });
  }

  /** Every attempt of the job, newest first. */
  list(w: Workload): JobAttemptView[] {
    const past = this.core.store.openpaiAttempts.byWorkload(w.id);
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
