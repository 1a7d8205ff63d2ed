import type { Task, Workload, WorkloadState } from "./model";
import { TERMINAL_TASK_STATES } from "./model";

/**
 * A workload's state follows from its tasks and how it is ending (DESIGN §2):
 * - ending "stop": stopping while any task is live, then stopped;
 * - ending "fail": a task failed for good; failed (the others are being stopped);
 * - all tasks succeeded: succeeded;
 * - any task starting or running (or some done, others not): running; otherwise pending.
 */
export function deriveWorkloadState(
  workload: Pick<Workload, "ending">,
  tasks: readonly Task[],
): WorkloadState {
  const live = tasks.some((t) => !TERMINAL_TASK_STATES.has(t.state));
  if (workload.ending === "stop") return live ? "stopping" : "stopped";
  if (workload.ending === "fail") return "failed";
  if (tasks.length > 0 && tasks.every((t) => t.state === "succeeded")) return "succeeded";
  if (
    tasks.some((t) => t.state === "starting" || t.state === "running" || TERMINAL_TASK_STATES.has(t.state))
  ) {
    return "running";
  }
  return "pending";
}

export const isTerminalWorkloadState = (s: WorkloadState): boolean =>
  s === "succeeded" || s === "failed" || s === "stopped";
