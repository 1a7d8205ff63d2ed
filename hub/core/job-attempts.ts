import type { PastJobAttempt, Task, Workload } from "./model";
import { TERMINAL_TASK_STATES } from "./model";

/**
 * The attempt of `workload` that just failed, as it will be kept once the retry resets its tasks:
 * it began when the `previous` past attempt ended (or when the workload was created), and tasks
 * still live at `now` are kept as stopped by the retry.
 */
export function endedAttempt(
  workload: Workload,
  tasks: readonly Task[],
  previous: PastJobAttempt | undefined,
  now: number,
): PastJobAttempt {
  return {
    workloadId: workload.id,
    attempt: workload.jobAttempt,
    startedAt: previous?.finishedAt ?? workload.createdAt,
    finishedAt: now,
    tasks: tasks.map((t) =>
      TERMINAL_TASK_STATES.has(t.state) ? t : { ...t, state: "stopped", reason: null, finishedAt: now },
    ),
  };
}
