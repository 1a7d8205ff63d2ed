import type { Task, TaskRole, TaskStateCount, Workload, WorkloadState } from "./model";
import { TERMINAL_TASK_STATES } from "./model";

/** The tasks' states counted per role: what the rules below read (the store keeps them per workload). */
export function countTaskStates(tasks: readonly Task[]): TaskStateCount[] {
  const counts = new Map<string, TaskStateCount>();
  for (const t of tasks) {
    const key = `${t.role}\u0000${t.state}`;
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { role: t.role, state: t.state, count: 1 });
  }
  return [...counts.values()];
}

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
  return deriveWorkloadStateFromCounts(workload, countTaskStates(tasks));
}

/** deriveWorkloadState over the tasks' state counts (TaskRepository.stateCounts). */
export function deriveWorkloadStateFromCounts(
  workload: Pick<Workload, "ending">,
  counts: readonly TaskStateCount[],
): WorkloadState {
  let total = 0;
  let live = 0;
  let succeeded = 0;
  let begun = 0;
  for (const c of counts) {
    total += c.count;
    if (!TERMINAL_TASK_STATES.has(c.state)) live += c.count;
    if (c.state === "succeeded") succeeded += c.count;
    if (c.state === "starting" || c.state === "running" || TERMINAL_TASK_STATES.has(c.state))
      begun += c.count;
  }
  if (workload.ending === "stop") return live > 0 ? "stopping" : "stopped";
  if (workload.ending === "fail") return "failed";
  if (workload.ending === "succeed") return "succeeded";
  if (total > 0 && succeeded === total) return "succeeded";
  if (begun > 0) return "running";
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
  return completionOutcomeFromCounts(roles, countTaskStates(tasks));
}

/** completionOutcome over the tasks' state counts (TaskRepository.stateCounts). */
export function completionOutcomeFromCounts(
  roles: readonly TaskRole[],
  counts: readonly TaskStateCount[],
): "fail" | "succeed" | null {
  const policy = (r: TaskRole) => r.completion ?? { minFailed: 1, minSucceeded: -1 };
  const of = (role: string, match: (c: TaskStateCount) => boolean) =>
    counts.reduce((n, c) => (c.role === role && match(c) ? n + c.count : n), 0);
  for (const r of roles) {
    const { minFailed } = policy(r);
    const failed = of(r.name, (c) => c.state === "failed" || c.state === "lost");
    if (minFailed > 0 && failed >= minFailed) return "fail";
  }
  for (const r of roles) {
    const { minSucceeded } = policy(r);
    const succeeded = of(r.name, (c) => c.state === "succeeded");
    if (minSucceeded > 0 && succeeded >= minSucceeded) return "succeed";
  }
  // As FrameworkController: every task completed and no failure trigger fired means success.
  let total = 0;
  let terminal = 0;
  for (const c of counts) {
    total += c.count;
    if (TERMINAL_TASK_STATES.has(c.state)) terminal += c.count;
  }
  if (total > 0 && terminal === total) return "succeed";
  return null;
}
