import type { Logger } from "pino";
import { GpuLedger, gpuTaskKey } from "./runtime/gpu-ledger";
import type { Runtime, TaskContainer, TaskSpec } from "./runtime/runtime";
import type { DesiredRecord } from "./state/desired-record";
import { StopGraces } from "./stop-graces";

/** What the agent tells the hub about one task container. */
export interface TaskStatus {
  taskId: string;
  attempt: number;
  state: "starting" | "running" | "succeeded" | "failed" | "stopped";
  exitCode: number | null;
  containerId: string;
  ip: string;
  ports: TaskContainer["ports"];
  message: string;
  startedAt: number | null;
  finishedAt: number | null;
  gpuUuids: string[];
}

export interface ReconcilerOptions {
  /** Exited containers the hub no longer wants are kept this long for their logs. @default 3_600_000 ms */
  keepExitedMs: number;
  /** ...and at most this many of them. @default 100 */
  keepExitedMax: number;
  logger: Logger;
}

const key = (taskId: string, attempt: number) => `${taskId}/${attempt}`;

/**
 * Brings the runtime in line with the desired set, idempotently: starts desired tasks that have no
 * container, stops and removes containers of tasks no longer desired, and keeps exited containers
 * for their logs for a while. Runs one pass at a time; a request during a pass runs one more pass.
 */
export class Reconciler {
  private desired = new Map<string, TaskSpec>();
  private readonly graces = new StopGraces();
  private readonly ledger = new GpuLedger();
  /** Containers we are stopping on purpose: their exit is reported as `stopped`. */
  private readonly stopping = new Set<string>();
  /** Starts that failed, so a pass does not retry them; the hub decides about a next attempt. */
  private readonly failedStarts = new Map<string, string>();
  private running: Promise<void> | null = null;
  private again = false;
  /**
   * False until the hub's first Welcome in this process: until then the desired set is only the
   * local record, which may be stale or missing, so nothing is stopped on its word.
   */
  private authoritative = false;
  /** While a drain's pass runs: the hub's reason, put on each stop it reports. */
  private drainReason: string | null = null;

  constructor(
    private readonly runtime: Runtime,
    private readonly record: DesiredRecord,
    private readonly report: (status: TaskStatus) => void,
    private readonly options: ReconcilerOptions,
  ) {
    this.desired = new Map(record.load().map((t) => [t.taskId, t]));
    for (const t of this.desired.values()) this.graces.remember(t);
    runtime.onExit((c) => this.report(this.statusOf(c)));
  }

  /** Replaces the whole desired set (Welcome). */
  setDesired(tasks: readonly TaskSpec[]): Promise<void> {
    this.authoritative = true;
    this.desired = new Map(tasks.map((t) => [t.taskId, t]));
    for (const t of tasks) this.graces.remember(t);
    this.record.save([...this.desired.values()]);
    return this.reconcile();
  }

  /** Applies a DesiredDelta. */
  applyDelta(
    add: readonly TaskSpec[],
    remove: readonly { taskId: string; attempt: number }[],
  ): Promise<void> {
    for (const r of remove) {
      if (this.desired.get(r.taskId)?.attempt === r.attempt) this.desired.delete(r.taskId);
    }
    for (const t of add) {
      this.desired.set(t.taskId, t);
      this.graces.remember(t);
    }
    this.record.save([...this.desired.values()]);
    return this.reconcile();
  }

  /**
   * The hub drained this node (`Drain`, after the delta that took the evicted tasks away): stop
   * now whatever is no longer desired, each within its stop grace, and report each stop with the
   * hub's reason. Tasks the hub still wants here (a daemon set's) keep running.
   */
  async drain(reason: string): Promise<void> {
    this.drainReason = reason;
    try {
      await this.reconcile();
    } finally {
      this.drainReason = null;
    }
  }

  /** Every container of this node, as the hub should hear about it (for Hello). */
  async statuses(): Promise<TaskStatus[]> {
    let containers: TaskContainer[] = [];
    try {
      containers = await this.runtime.list();
    } catch (err) {
      // An unreachable engine must not keep the node from registering: it says why in its Hello.
      this.options.logger.warn({ reason: (err as Error).message }, "cannot list task containers");
    }
    const out = containers.map((c) => this.statusOf(c));
    for (const [k, message] of this.failedStarts) {
      const [taskId, attempt] = k.split("/");
      if (!out.some((s) => key(s.taskId, s.attempt) === k)) {
        out.push(failedStatus(taskId as string, Number(attempt), message, []));
      }
    }
    return out;
  }

  /** Runs a pass now, or once more after the current one. */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.options.logger.error({ err }, "reconcile pass failed");
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async logs(taskId: string, attempt: number, tailLines: number): Promise<string> {
    const c = (await this.runtime.list()).find((x) => x.taskId === taskId && x.attempt === attempt);
    if (!c) throw new Error(`no container for task ${taskId} attempt ${attempt} on this node`);
    return this.runtime.logs(c.containerId, tailLines);
  }

  /** Saves the task's container as image `reference`; resolves with the engine's image id. */
  async commit(taskId: string, attempt: number, reference: string): Promise<string> {
    if (!this.runtime.commit)
      throw new Error(`runtime ${this.runtime.name} cannot save containers as images`);
    const c = (await this.runtime.list()).find((x) => x.taskId === taskId && x.attempt === attempt);
    if (!c) throw new Error(`no container for task ${taskId} attempt ${attempt} on this node`);
    return this.runtime.commit(c.containerId, reference);
  }

  private async pass(): Promise<void> {
    const containers = await this.runtime.list();
    for (const conflict of this.ledger.rebuild(containers.filter((c) => c.state !== "exited"))) {
      this.options.logger.error({ conflict }, "two containers hold the same GPU");
    }
    const byKey = new Map(containers.map((c) => [key(c.taskId, c.attempt), c]));

    // Stop what is no longer wanted first, so its GPUs are free for what replaces it.
    const now = Date.now();
    const exited: TaskContainer[] = [];
    const running = new Set(
      containers.filter((c) => c.state !== "exited").map((c) => key(c.taskId, c.attempt)),
    );
    for (const c of this.authoritative ? containers : []) {
      const want = this.desired.get(c.taskId);
      if (want && want.attempt === c.attempt) continue;
      if (c.state !== "exited") {
        if (await this.stopAndRemove(c, this.graces.of(c.taskId, c.attempt)))
          running.delete(key(c.taskId, c.attempt));
      } else {
        exited.push(c);
      }
    }
    this.graces.forgetUnless(
      (taskId, attempt) => this.desired.get(taskId)?.attempt === attempt || running.has(key(taskId, attempt)),
    );
    // Exited containers of tasks no longer desired: keep the newest for logs, within limits.
    exited.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    for (const [i, c] of exited.entries()) {
      const old = c.finishedAt !== null && now - c.finishedAt > this.options.keepExitedMs;
      if (old || i >= this.options.keepExitedMax) await this.runtime.remove(c.containerId);
    }

    for (const spec of this.desired.values()) {
      const k = key(spec.taskId, spec.attempt);
      if (byKey.has(k) || this.failedStarts.has(k)) continue;
      await this.start(spec);
    }
    // Forget failures of attempts nobody wants any more.
    for (const k of this.failedStarts.keys()) {
      const [taskId, attempt] = k.split("/");
      if (this.desired.get(taskId as string)?.attempt !== Number(attempt)) this.failedStarts.delete(k);
    }
  }

  private async start(spec: TaskSpec): Promise<void> {
    const gpuKey = gpuTaskKey(spec.taskId, spec.attempt);
    try {
      this.ledger.claim(gpuKey, spec.gpuUuids);
    } catch (err) {
      this.failStart(spec, (err as Error).message);
      return;
    }
    this.report({ ...failedStatus(spec.taskId, spec.attempt, "", spec.gpuUuids), state: "starting" });
    try {
      const c = await this.runtime.start(spec);
      this.options.logger.info(
        { taskId: spec.taskId, attempt: spec.attempt, containerId: c.containerId },
        "task started",
      );
      // A container that already exited (very short task) was reported by onExit.
      if (c.state !== "exited") this.report(this.statusOf(c));
    } catch (err) {
      this.ledger.release(gpuKey);
      this.failStart(spec, (err as Error).message);
    }
  }

  private failStart(spec: TaskSpec, message: string): void {
    this.options.logger.warn(
      { taskId: spec.taskId, attempt: spec.attempt, reason: message },
      "task could not start",
    );
    this.failedStarts.set(key(spec.taskId, spec.attempt), message);
    this.report(failedStatus(spec.taskId, spec.attempt, message, spec.gpuUuids));
  }

  /** Stops and removes `c`; false when the engine failed (the next pass tries again). */
  private async stopAndRemove(c: TaskContainer, graceSec: number): Promise<boolean> {
    let stopped = false;
    this.stopping.add(c.containerId);
    try {
      await this.runtime.stop(c.containerId, graceSec);
      await this.runtime.remove(c.containerId);
      this.ledger.release(gpuTaskKey(c.taskId, c.attempt));
      stopped = true;
      this.options.logger.info(
        { taskId: c.taskId, attempt: c.attempt, containerId: c.containerId },
        "task stopped and removed",
      );
    } catch (err) {
      this.options.logger.error(
        { err, taskId: c.taskId, containerId: c.containerId },
        "could not stop task container",
      );
    } finally {
      this.stopping.delete(c.containerId);
    }
    // The exit may have been reported already; report the stop explicitly so the hub hears it either way.
    const status = this.statusOf({ ...c, state: "exited" });
    this.report({ ...status, state: "stopped", message: this.stopMessage(status.message) });
    return stopped;
  }

  /** A stop a drain made says why (the exit's own report and the explicit one alike). */
  private stopMessage(message: string): string {
    return this.drainReason === null ? message : `node drained: ${this.drainReason}`;
  }

  private statusOf(c: TaskContainer): TaskStatus {
    let state: TaskStatus["state"];
    if (c.state === "starting") state = "starting";
    else if (c.state === "running") state = "running";
    else if (this.stopping.has(c.containerId)) state = "stopped";
    else state = c.exitCode === 0 ? "succeeded" : "failed";
    if (state !== "running" && state !== "starting") this.ledger.release(gpuTaskKey(c.taskId, c.attempt));
    return {
      taskId: c.taskId,
      attempt: c.attempt,
      state,
      exitCode: c.exitCode,
      containerId: c.containerId,
      ip: c.ip ?? "",
      ports: c.ports,
      message: state === "stopped" ? this.stopMessage(c.message ?? "") : (c.message ?? ""),
      startedAt: c.startedAt,
      finishedAt: c.finishedAt,
      gpuUuids: c.gpuUuids,
    };
  }
}

function failedStatus(taskId: string, attempt: number, message: string, gpuUuids: string[]): TaskStatus {
  return {
    taskId,
    attempt,
    state: "failed",
    exitCode: null,
    containerId: "",
    ip: "",
    ports: [],
    message,
    startedAt: null,
    finishedAt: Date.now(),
    gpuUuids,
  };
}
