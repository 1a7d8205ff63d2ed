import type { Task, TaskRole, Workload, WorkloadState } from "./model";
import { TERMINAL_TASK_STATES } from "./model";

/**
 * A workload's state follows from its tasks and how it is ending (docs/architecture.md §2):
 * - ending "stop": stopping while any task is live, then stopped;
 * - ending "fail": a task failed for good; failed (the others are being stopped);
 * - ending "succeed": a completion policy was met; succeeded (the others are being stopped);
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
  if (workload.ending === "succeed") return "succeeded";
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

/**
 * What the tasks say about how the workload ends, by each role's completion policy: "fail" once a
 * role has minFailed tasks failed (or lost) for good, "succeed" once a role has minSucceeded tasks
 * succeeded, or once every task has completed without a failure trigger; null while it runs on.
 */
export function completionOutcome(
  roles: readonly TaskRole[],
  tasks: readonly Task[],
): "fail" | "succeed" | null {
  const policy = (r: TaskRole) => r.completion ?? { minFailed: 1, minSucceeded: -1 };
  for (const r of roles) {
    const { minFailed } = policy(r);
    const failed = tasks.filter(
      (t) => t.role === r.name && (t.state === "failed" || t.state === "lost"),
    ).length;
    if (minFailed > 0 && failed >= minFailed) return "fail";
  }
  for (const r of roles) {
    const { minSucceeded } = policy(r);
    const succeeded = tasks.filter((t) => t.role === r.name && t.state === "succeeded").length;
    if (minSucceeded > 0 && succeeded >= minSucceeded) return "succeed";
  }
  // As FrameworkController: every task completed and no failure trigger fired means success.
  if (tasks.length > 0 && tasks.every((t) => TERMINAL_TASK_STATES.has(t.state))) return "succeed";
  return null;
}
