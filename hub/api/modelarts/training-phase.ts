import type { Task, Workload } from "../../core/model";

/** ModelArts's training job phases (status.phase). */
export type TrainingPhase =
  "Creating" | "Pending" | "Running" | "Failed" | "Completed" | "Terminating" | "Terminated" | "Abnormal";

/**
 * The phase and secondary phase of a training job, from its workload and tasks:
 * - every task waiting for the scheduler: Pending / Queuing;
 * - a task placed but not yet running (pulling, starting): Creating / Creating;
 * - running: Running / Running, or Abnormal / Lost while a task was lost and waits to run again;
 * - being stopped by a terminate: Terminating / Terminating; stopped: Terminated / Terminated;
 * - succeeded: Completed / Completed;
 * - failed: Failed / Failed, or Failed / CreateFailed when a container could not start.
 */
export function trainingPhase(
  w: Pick<Workload, "state" | "ending">,
  tasks: readonly Task[],
): { phase: TrainingPhase; secondary: string } {
  const same = (p: TrainingPhase) => ({ phase: p, secondary: p });
  switch (w.state) {
    case "succeeded":
      return same("Completed");
    case "failed": {
      // A container that never started (image pull or create failed) has no start time.
      const startFailed = tasks.some((t) => t.state === "failed" && t.startedAt === null);
      return { phase: "Failed", secondary: startFailed ? "CreateFailed" : "Failed" };
    }
    case "stopped":
      return same("Terminated");
    case "stopping":
      return same("Terminating");
    case "running":
      if (tasks.some((t) => t.state === "lost")) return { phase: "Abnormal", secondary: "Lost" };
      if (tasks.some((t) => t.state === "running")) return same("Running");
      return same("Creating");
    case "pending":
      if (tasks.some((t) => t.state === "assigned" || t.state === "starting")) return same("Creating");
      return { phase: "Pending", secondary: "Queuing" };
  }
}

/** Phases from which a job can still be terminated ("creating, awaiting, or running"). */
export const TERMINABLE: ReadonlySet<TrainingPhase> = new Set(["Creating", "Pending", "Running", "Abnormal"]);

/**
 * When a job started (its first task's start, epoch ms; null before any started) and how long it
 * has run (ms, to its end or `now`).
 */
export function jobTimes(
  w: Pick<Workload, "finishedAt">,
  tasks: readonly Task[],
  now: number,
): { start: number | null; duration: number } {
  const starts = tasks.map((t) => t.startedAt).filter((s): s is number => s !== null);
  if (starts.length === 0) return { start: null, duration: 0 };
  const start = Math.min(...starts);
  return { start, duration: Math.max(0, (w.finishedAt ?? now) - start) };
}
