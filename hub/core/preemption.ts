import type { Clock } from "./clock";
import type { PreemptionRecord, Task, Workload } from "./model";
import type { Store } from "./repositories";
import type { CoreSignals } from "./signals";

/**
 * Commits the scheduler's preemptions. A victim keeps its state (and its GPUs, in the hub's books)
 * until its agent reports it stopped, so nothing is placed on its GPUs early: the task leaves its
 * node's desired set at once (the agent stops the container), and when the stop is reported the
 * lifecycle puts it back to pending as its next attempt without counting a failure
 * (TaskLifecycle.setPreemptionHook -> settle()).
 */
export class Preemptions {
  /** Open preemptions by task id: the attempt being stopped and why. */
  private readonly open = new Map<string, PreemptionRecord>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
  ) {
    for (const p of store.preemptions.open()) this.open.set(p.taskId, p);
  }

  /** The attempt is being stopped for a reclaim (it leaves its node's desired set). */
  isPreempting(task: Pick<Task, "id" | "attempt">): boolean {
    return this.open.get(task.id)?.attempt === task.attempt;
  }

  /**
   * Asks for the task to stop. Call inside the placement transaction; re-checks that the task is
   * still running or starting and its workload preemptible (unless `evict`: a node drain moves any
   * workload's task) and not ending. Returns whether it did.
   */
  request(taskId: string, reason: string, options: { evict?: boolean } = {}): boolean {
    const task = this.store.tasks.byId(taskId);
    if (!task || (task.state !== "running" && task.state !== "starting") || this.isPreempting(task))
      return false;
    const workload = this.store.workloads.byId(task.workloadId);
    if (!workload || (!workload.preemptible && !options.evict) || workload.ending !== null) return false;
    const now = this.clock.now();
    const record: PreemptionRecord = {
      taskId,
      attempt: task.attempt,
      workloadId: workload.id,
      nodeId: task.nodeId,
      reason,
      requestedAt: now,
      finishedAt: null,
    };
    this.store.preemptions.insert(record);
    this.open.set(taskId, record);
    this.store.events.append({
      workloadId: workload.id,
      taskId,
      type: "Warning",
      reason: options.evict ? "Evicted" : "Preempted",
      message: `task ${task.role}[${task.index}] attempt ${task.attempt} ${reason}`,
      at: now,
    });
    if (task.nodeId) this.signals.desiredChanged.emit(task.nodeId);
    return true;
  }

  /**
   * The attempt ended: closes its preemption. Returns the reason when it was being preempted (the
   * lifecycle then re-queues it instead of counting a failure), else null.
   */
  ended(task: Pick<Task, "id" | "attempt">): string | null {
    const p = this.open.get(task.id);
    if (!p || p.attempt !== task.attempt) return null;
    this.open.delete(task.id);
    this.store.preemptions.finish(task.id, task.attempt, this.clock.now());
    return p.reason;
  }

  /** How many attempts of the task ended by preemption. */
  attemptsOf(task: Pick<Task, "id">): number {
    return this.store.preemptions.countByTask(task.id);
  }

  /** How many times the workload's tasks were preempted. */
  count(workload: Pick<Workload, "id">): number {
    return this.store.preemptions.countByWorkload(workload.id);
  }

  /** count() of many workloads in one query (list pages), by workload id. */
  counts(workloadIds: readonly string[]): Map<string, number> {
    return this.store.preemptions.countByWorkloads(workloadIds);
  }

  /** Open preemptions (tasks still stopping). */
  stopping(): PreemptionRecord[] {
    return [...this.open.values()];
  }
}
