import type { Clock } from "./clock";
import { endedAttempt } from "./job-attempts";
import type { PortBinding, Task, TaskState, Workload } from "./model";
import { PLACED_TASK_STATES, TERMINAL_TASK_STATES, UNPLACED } from "./model";
import type { NodeService } from "./nodes";
import type { Store } from "./repositories";
import type { CoreSignals } from "./signals";
import {
  completionOutcomeFromCounts,
  deriveWorkloadStateFromCounts,
  isTerminalWorkloadState,
} from "./workload-state";

/** Crash-loop back-off of service restarts. Units: ms. */
export interface RestartBackoff {
  /** @default 10_000 (0 turns the back-off off) */
  initialMs: number;
  /** @default 300_000 */
  maxMs: number;
  /** An attempt that ran this long counts as healthy. @default 600_000 */
  resetAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = {
  initialMs: 10_000,
  maxMs: 300_000,
  resetAfterMs: 600_000,
};

/** What an agent says about one task container (the protocol's TaskUpdate, in core words). */
export interface TaskReport {
  taskId: string;
  attempt: number;
  state: "starting" | "running" | "succeeded" | "failed" | "stopped";
  exitCode: number | null;
  containerId: string;
  ip: string;
  ports: PortBinding[];
  message: string;
  startedAt: number | null;
  finishedAt: number | null;
}

/**
 * Moves tasks through pending -> assigned -> starting -> running -> succeeded | failed | stopped
 * (lost when the node is gone past the workload's disconnect policy), retries failed attempts, and
 * keeps each workload's derived state and ending in step. The only code that changes task states
 * after placement.
 */
export class TaskLifecycle {
  /** Closes a task attempt's preemption; returns its reason when it was being preempted. */
  private preemptionEnded: (task: Task) => string | null = () => null;
  /** Attempts of the task that ended by preemption (they spend no retry budget). */
  private preemptedAttempts: (task: Task) => number = () => 0;

  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    private readonly backoff: RestartBackoff = DEFAULT_RESTART_BACKOFF,
  ) {}

  setPreemptionHook(ended: (task: Task) => string | null, attempts: (task: Task) => number): void {
    this.preemptionEnded = ended;
    this.preemptedAttempts = attempts;
  }

  /** Applies one report from the node's agent. Reports about other nodes or old attempts are ignored. */
  applyReport(nodeId: string, report: TaskReport): void {
    this.store.transaction(() => {
      const task = this.store.tasks.byId(report.taskId);
      if (!task || task.nodeId !== nodeId || task.attempt !== report.attempt) return;
      if (TERMINAL_TASK_STATES.has(task.state)) return;
      const workload = this.store.workloads.byId(task.workloadId);
      if (!workload) return;
      const now = this.clock.now();
      const next: Task = {
        ...task,
        volumeNodeId: this.volumeNode(workload, task, report, nodeId),
        containerId: report.containerId || task.containerId,
        ip: report.ip || task.ip,
        ports: report.ports.length > 0 ? report.ports : task.ports,
        startedAt: report.startedAt ?? task.startedAt,
        message: report.message || task.message,
        updatedAt: now,
      };
      if (report.state === "starting" || report.state === "running") {
        if (task.state === report.state) {
          this.store.tasks.update(next);
          return;
        }
        next.state = report.state;
        this.store.tasks.update(next);
        this.event(
          workload,
          task,
          "Normal",
          report.state === "running" ? "Started" : "Starting",
          `task ${label(task)} ${report.state} on node ${this.nodeName(nodeId)}`,
        );
      } else {
        next.exitCode = report.exitCode;
        next.finishedAt = report.finishedAt ?? now;
        this.finish(workload, next, report.state, report.message);
      }
      this.settle(workload.id);
    });
  }

  /**
   * After a Hello: applies every report, then fails tasks the hub placed there as started whose
   * container the agent no longer has (the engine lost it, the node was rebuilt).
   */
  reconcileNode(nodeId: string, reports: readonly TaskReport[]): void {
    for (const r of reports) this.applyReport(nodeId, r);
    const known = new Set(reports.map((r) => `${r.taskId}/${r.attempt}`));
    this.store.transaction(() => {
      for (const task of this.store.tasks.byNode(nodeId, ["starting", "running"])) {
        if (known.has(`${task.id}/${task.attempt}`)) continue;
        const workload = this.store.workloads.byId(task.workloadId);
        if (!workload) continue;
        const msg = "the task's container is gone from its node";
        this.finish(
          workload,
          { ...task, updatedAt: this.clock.now(), finishedAt: this.clock.now(), message: msg },
          workload.ending ? "stopped" : "failed",
          msg,
        );
        this.settle(workload.id);
      }
    });
  }

  /** Tasks on nodes that have been away longer than their workload's disconnect policy are lost. */
  markLost(): void {
    const now = this.clock.now();
    // Cheap when every node is ready (the common case): no task query at all.
    if (this.nodes.allReady()) return;
    const placed = this.store.tasks.byStates([...PLACED_TASK_STATES]);
    for (const task of placed) {
      const node = task.nodeId ? this.nodes.findById(task.nodeId) : undefined;
      if (node && node.status === "ready") continue;
      const workload = this.store.workloads.byId(task.workloadId);
      if (!workload) continue;
      // Away since its last sign of life: the notready -> down transition must not restart the clock.
      const awaySince = node ? (node.lastSeenAt ?? node.statusChangedAt) : task.updatedAt;
      if (now - awaySince < workload.disconnectTimeoutSec * 1000) continue;
      this.store.transaction(() => {
        const msg = `node ${node?.name ?? task.nodeId} unreachable for more than ${workload.disconnectTimeoutSec}s`;
        this.finish(workload, { ...task, updatedAt: now, finishedAt: now, message: msg }, "lost", msg);
        this.settle(workload.id);
      });
    }
  }

  /**
   * Recomputes the workload's state after its tasks changed; a permanent failure ends the workload
   * (the remaining tasks are stopped). Pending tasks of an ending workload stop at once. Placed
   * tasks leave their node's desired set, and the agent stops them. Callers run it inside a store
   * transaction (a whole-workload retry writes several rows).
   */
  settle(workloadId: string, requestedEnding: "stop" | null = null): Workload | undefined {
    const workload = this.store.workloads.byId(workloadId);
    if (!workload) return undefined;
    // The store's per-role state counts decide; every task is read only where the whole workload
    // changes (it ends, retries or has unstarted tasks to stop), so a report that only moves one
    // task costs the same in a 1-task and a 1000-task workload.
    let counts = this.store.tasks.stateCounts(workloadId);
    let tasks: Task[] | null = null;
    const allTasks = (): Task[] => (tasks ??= this.store.tasks.byWorkload(workloadId));
    const placedNodesOf = (ts: readonly Task[]) =>
      new Set(ts.filter((t) => PLACED_TASK_STATES.has(t.state)).flatMap((t) => t.nodeId ?? []));
    const now = this.clock.now();
    // A finished workload stays as it ended; a failing one is not turned into a stopped one.
    let ending = isTerminalWorkloadState(workload.state)
      ? workload.ending
      : (workload.ending ?? requestedEnding);
    if (ending === null) ending = completionOutcomeFromCounts(workload.roles, counts);
    if (ending === "fail" && workload.ending === null && workload.jobAttempt < workload.maxJobAttempts) {
      const all = allTasks();
      return this.retryJob(workload, all, placedNodesOf(all));
    }
    // Nodes that held the workload's tasks before any is stopped below: their desired sets change.
    const placedNodes = ending !== workload.ending ? placedNodesOf(allTasks()) : new Set<string>();
    const unstarted = counts.some((c) => c.state === "pending" || c.state === "assigned");
    if (ending !== null && unstarted) {
      for (const t of allTasks()) {
        // Pending and assigned-but-not-started tasks stop here and free their node's resources; if
        // the agent did start one meanwhile, the task leaves its desired set and the agent stops it.
        if (t.state !== "pending" && t.state !== "assigned") continue;
        this.store.tasks.update({ ...t, state: "stopped", reason: null, updatedAt: now, finishedAt: now });
      }
      counts = this.store.tasks.stateCounts(workloadId);
    }
    const state = deriveWorkloadStateFromCounts({ ending }, counts);
    if (state === workload.state && ending === workload.ending) return workload;
    const updated: Workload = {
      ...workload,
      state,
      ending,
      updatedAt: now,
      finishedAt: isTerminalWorkloadState(state) ? (workload.finishedAt ?? now) : null,
    };
    this.store.workloads.update(updated);
    if (state !== workload.state) {
      this.store.events.append({
        workloadId,
        taskId: null,
        type: state === "failed" ? "Warning" : "Normal",
        reason: capitalise(state),
        message: `workload ${state}`,
        at: now,
      });
    }
    if (ending !== workload.ending) {
      for (const nodeId of placedNodes) this.signals.desiredChanged.emit(nodeId);
    }
    return updated;
  }

  /**
   * Starts a finished workload again (its identity kept, `workload` carrying its new lease): every
   * task goes back to pending as its next attempt. A task keeps the node that holds its named
   * volumes, and placement pins it there.
   */
  startAgain(workload: Workload): Workload {
    const now = this.clock.now();
    for (const t of this.store.tasks.byWorkload(workload.id)) {
      this.store.tasks.update({
        ...t,
        ...UNPLACED,
        state: "pending",
        attempt: t.attempt + 1,
        attemptBase: t.attempt,
        message: `started again as attempt ${t.attempt + 1}`,
        reason: "waiting for the scheduler",
        retryAt: null,
        backoffMs: 0,
        updatedAt: now,
      });
    }
    const updated: Workload = {
      ...workload,
      state: "pending",
      ending: null,
      updatedAt: now,
      finishedAt: null,
    };
    this.store.workloads.update(updated);
    this.store.events.append({
      workloadId: workload.id,
      taskId: null,
      type: "Normal",
      reason: "Restarted",
      message: `workload started again (it was ${workload.state})`,
      at: now,
    });
    this.signals.schedulingNeeded.emit(`workload ${workload.id} started again`);
    return updated;
  }

  /**
   * A failed workload with whole-workload attempts left starts over: the failed attempt is kept
   * (store.jobAttempts), then every task goes back to pending as its next attempt (live containers
   * leave their nodes' desired sets and are stopped). Runs inside settle's caller's transaction,
   * so the kept attempt and the retry land together or not at all.
   */
  private retryJob(workload: Workload, tasks: readonly Task[], placedNodes: ReadonlySet<string>): Workload {
    const now = this.clock.now();
    const previous = this.store.jobAttempts.byWorkload(workload.id).at(-1);
    this.store.jobAttempts.insert(endedAttempt(workload, tasks, previous, now));
    for (const t of tasks) {
      if (t.state === "pending") continue;
      this.store.tasks.update({
        ...t,
        ...UNPLACED,
        state: "pending",
        attempt: t.attempt + 1,
        message: `job attempt ${workload.jobAttempt + 1}`,
        updatedAt: now,
      });
    }
    const updated: Workload = {
      ...workload,
      jobAttempt: workload.jobAttempt + 1,
      state: "pending",
      updatedAt: now,
    };
    this.store.workloads.update(updated);
    this.store.events.append({
      workloadId: workload.id,
      taskId: null,
      type: "Warning",
      reason: "Retrying",
      message: `workload attempt ${workload.jobAttempt} failed; starting attempt ${updated.jobAttempt} of ${workload.maxJobAttempts}`,
      at: now,
    });
    for (const nodeId of placedNodes) this.signals.desiredChanged.emit(nodeId);
    this.signals.schedulingNeeded.emit(`workload ${workload.id} retrying`);
    return updated;
  }

  /**
   * Crash-loop back-off of a service task, as Kubernetes does: the first quick exit waits
   * `initialMs`, each further one doubles it up to `maxMs`; an attempt that ran `resetAfterMs` or
   * longer restarts at once and clears it.
   */
  private nextBackoff(task: Task): number {
    if (this.backoff.initialMs <= 0) return 0;
    const ended = task.finishedAt ?? this.clock.now();
    if (task.startedAt !== null && ended - task.startedAt >= this.backoff.resetAfterMs) return 0;
    return task.backoffMs === 0 ? this.backoff.initialMs : Math.min(task.backoffMs * 2, this.backoff.maxMs);
  }

  /**
   * Ends one attempt. A failed or lost attempt with attempts left goes back to pending as the next
   * attempt, unless the workload is ending.
   */
  private finish(
    workload: Workload,
    task: Task,
    state: Extract<TaskState, "succeeded" | "failed" | "stopped" | "lost">,
    message: string,
  ): void {
    const role = workload.roles.find((r) => r.name === task.role);
    const nodeId = task.nodeId;
    const preempted = this.preemptionEnded(task);
    if (preempted !== null && workload.ending === null && state !== "succeeded") {
      this.requeuePreempted(workload, task, preempted);
      return;
    }
    let outcome: TaskState = state;
    // A stop nobody asked for (agent drained, container killed) counts as a failure of the attempt.
    if (state === "stopped" && workload.ending === null) outcome = "failed";
    // A service task comes back whatever its exit (it should always be running); a batch task
    // retries a failure while it has attempts left.
    const retry =
      workload.ending === null &&
      role !== undefined &&
      (workload.kind === "service"
        ? outcome !== "stopped"
        : (outcome === "failed" || outcome === "lost") &&
          task.attempt - task.attemptBase - this.preemptedAttempts(task) < role.maxAttempts);
    const detail = `task ${label(task)} attempt ${task.attempt} ${outcome}${task.exitCode !== null ? ` with exit code ${task.exitCode}` : ""}${message ? `: ${message}` : ""}`;
    this.event(
      workload,
      task,
      outcome === "succeeded" || outcome === "stopped" ? "Normal" : "Warning",
      capitalise(outcome),
      detail,
    );
    if (retry) {
      const backoffMs = workload.kind === "service" ? this.nextBackoff(task) : 0;
      this.store.tasks.update({
        ...task,
        ...UNPLACED,
        state: "pending",
        attempt: task.attempt + 1,
        message: `retrying after attempt ${task.attempt} ${outcome}`,
        retryAt: backoffMs > 0 ? this.clock.now() + backoffMs : null,
        backoffMs,
        reason: backoffMs > 0 ? `restarting in ${Math.ceil(backoffMs / 1000)}s (crash-loop back-off)` : null,
      });
      if (backoffMs > 0) {
        this.clock.setTimer(backoffMs, () =>
          this.signals.schedulingNeeded.emit(`task ${task.id} back-off over`),
        );
      }
      this.event(
        workload,
        task,
        "Normal",
        "Retrying",
        `task ${label(task)} attempt ${task.attempt + 1} queued`,
      );
    } else {
      this.store.tasks.update({ ...task, state: outcome, message: message || task.message, reason: null });
    }
    if (nodeId) this.signals.desiredChanged.emit(nodeId);
    this.signals.schedulingNeeded.emit(`task ${task.id} ${outcome}`);
  }

  /**
   * A preempted attempt stopped: the task goes back to pending as its next attempt. Not a failure:
   * no retry budget is spent, and the fair-share scheduler places it again when there is room.
   */
  private requeuePreempted(workload: Workload, task: Task, reason: string): void {
    this.store.tasks.update({
      ...task,
      state: "pending",
      attempt: task.attempt + 1,
      nodeId: null,
      gpuUuids: [],
      containerId: null,
      ip: null,
      ports: [],
      exitCode: null,
      message: `attempt ${task.attempt} ${reason}`,
      reason: "preempted; waiting for the scheduler",
      startedAt: null,
      finishedAt: null,
    });
    this.event(
      workload,
      task,
      "Normal",
      "Requeued",
      `task ${label(task)} attempt ${task.attempt + 1} queued after preemption`,
    );
    if (task.nodeId) this.signals.desiredChanged.emit(task.nodeId);
    this.signals.schedulingNeeded.emit(`task ${task.id} preempted`);
  }

  private event(
    workload: Workload,
    task: Task,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): void {
    this.store.events.append({
      workloadId: workload.id,
      taskId: task.id,
      type,
      reason,
      message,
      at: this.clock.now(),
    });
  }

  /**
   * A task with named volumes is bound to the first node that made a container for it (the volumes
   * are made with the container): its later attempts go there only.
   */
  private volumeNode(workload: Workload, task: Task, report: TaskReport, nodeId: string): string | null {
    if (task.volumeNodeId !== null || !report.containerId) return task.volumeNodeId;
    const role = workload.roles.find((r) => r.name === task.role);
    return (role?.volumes ?? []).length > 0 ? nodeId : null;
  }

  private nodeName(nodeId: string): string {
    return this.nodes.findById(nodeId)?.name ?? nodeId;
  }
}

const label = (t: Pick<Task, "role" | "index">): string => `${t.role}[${t.index}]`;
const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
