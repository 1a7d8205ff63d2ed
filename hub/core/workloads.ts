import type { Clock } from "./clock";
import { ConflictError, NotFoundError, ValidationError } from "./errors";
import type { ClusterService } from "./clusters";
import type {
  HostPathSpec,
  PastJobAttempt,
  Resources,
  Task,
  TaskRole,
  Workload,
  WorkloadEvent,
  WorkloadKind,
} from "./model";
import { UNPLACED } from "./model";
import type { Store, WorkloadQuery } from "./repositories";
import { checkName, MAX_LABEL_LENGTH } from "./names";
import { DEFAULT_WORKLOAD_LIMITS, WorkloadGate, type WorkloadLimits } from "./workload-limits";
import { newId } from "./secrets";
import type { CoreSignals } from "./signals";
import type { TaskLifecycle } from "./task-lifecycle";
import { checkTolerations } from "./taints";
import { checkVolumes } from "./volumes";
import { checkLeaseMs, requireInteractive, WorkloadLeases } from "./workload-leases";
import { isTerminalWorkloadState } from "./workload-state";

/** Fetches a task's logs from the agent running it (implemented by the agent gateway). */
export interface TaskLogSource {
  fetch(nodeId: string, taskId: string, attempt: number, tailLines: number): Promise<string>;
}

export interface NewWorkload {
  name: string;
  owner: string;
  kind?: WorkloadKind;
  cluster?: string | null;
  nodeSelector?: string[];
  /** Node taints the tasks tolerate (checked by checkTolerations). @default none */
  tolerations?: readonly unknown[];
  roles: TaskRole[];
  gang?: boolean;
  disconnectTimeoutSec?: number;
  stopGraceSec?: number;
  meta?: Record<string, unknown>;
  quotaUnitId?: string | null;
  nodePoolId?: string | null;
  /** @default 0 */
  priority?: number;
  /** @default false */
  preemptible?: boolean;
  /** Attempts of the whole workload before a failure is final. @default 1 */
  maxJobAttempts?: number;
  /** Refuse a second live workload of the same owner and name (OpenPAI job names). @default false */
  uniqueName?: boolean;
  /** Interactive workloads: stop by themselves this long after each start (ms). @default no lease */
  leaseMs?: number;
  /**
   * Batch workloads: stopped this long after submission (ms; ModelArts auto_stop), kept as the
   * workload's lease, which nothing renews. @default no limit
   */
  timeLimitMs?: number;
  /**
   * Submitted by the hub itself (a replicated service's replica), not by a request: the per-user
   * live-task and rate limits do not apply (the service's replica count is bounded). @default false
   */
  internal?: boolean;
}

/** @default 300 s (docs/architecture.md §3). */
export const DEFAULT_DISCONNECT_TIMEOUT_SEC = 300;
/** @default 10 s. */
export const DEFAULT_STOP_GRACE_SEC = 10;
/** Most log lines one request may ask of a task (`tail`). @default 100_000 */
export const MAX_LOG_TAIL_LINES = 100_000;

export class WorkloadService {
  private logSource: TaskLogSource | null = null;
  private readonly leases: WorkloadLeases;
  private readonly gate: WorkloadGate;

  constructor(
    private readonly store: Store,
    private readonly clusters: ClusterService,
    private readonly lifecycle: TaskLifecycle,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    limits: WorkloadLimits = DEFAULT_WORKLOAD_LIMITS,
  ) {
    this.gate = new WorkloadGate(limits, clock);
    this.leases = new WorkloadLeases(store, clock, (id) => lifecycle.settle(id, "stop"));
  }

  setLogSource(source: TaskLogSource): void {
    this.logSource = source;
  }

  /** Stores the workload and one pending task per role instance, atomically. */
  submit(input: NewWorkload): { workload: Workload; tasks: Task[] } {
    if (input.roles.length === 0) throw new ValidationError("roles", "at least one task role is required");
    // Length and invisible characters, for every surface at once (names.ts).
    checkName("name", input.name);
    for (const [i, r] of input.roles.entries()) checkName(`roles[${i}].name`, r.name);
    for (const [i, l] of (input.nodeSelector ?? []).entries())
      checkName(`nodeSelector[${i}]`, l, MAX_LABEL_LENGTH);
    checkVolumes(input.roles);
    const tolerations = checkTolerations(input.tolerations ?? []);
    if (input.leaseMs !== undefined) {
      if (input.kind !== "interactive")
        throw new ValidationError("lease", "only interactive workloads take a lease");
      checkLeaseMs(input.leaseMs, "lease");
    }
    if (input.timeLimitMs !== undefined) {
      if ((input.kind ?? "batch") !== "batch")
        throw new ValidationError("timeLimit", "only batch workloads take a time limit");
      checkLeaseMs(input.timeLimitMs, "timeLimit");
    }
    const leaseMs = input.leaseMs ?? input.timeLimitMs;
    // Bounded size, default CPU/memory where none is named, then the owner's limits (workload-limits.ts).
    const roles = this.gate.withDefaults(input.roles);
    const taskCount = this.gate.checkSize(roles);
    if (!input.internal)
      this.gate.admit(input.owner, taskCount, this.store.workloads.liveInstancesOf(input.owner));
    const roleNames = new Set<string>();
    for (const [i, r] of input.roles.entries()) {
      if (roleNames.has(r.name)) throw new ValidationError(`roles[${i}].name`, `duplicate role ${r.name}`);
      roleNames.add(r.name);
    }
    const clusterId = input.cluster ? this.clusters.get(input.cluster).id : null;
    const now = this.clock.now();
    const workload: Workload = {
      id: newId(),
      name: input.name,
      owner: input.owner,
      kind: input.kind ?? "batch",
      clusterId,
      nodeSelector: input.nodeSelector ?? [],
      roles,
      gang: input.gang ?? false,
      disconnectTimeoutSec: input.disconnectTimeoutSec ?? DEFAULT_DISCONNECT_TIMEOUT_SEC,
      stopGraceSec: input.stopGraceSec ?? DEFAULT_STOP_GRACE_SEC,
      state: "pending",
      ending: null,
      meta: input.meta ?? {},
      quotaUnitId: input.quotaUnitId ?? null,
      nodePoolId: input.nodePoolId ?? null,
      priority: input.priority ?? 0,
      preemptible: input.preemptible ?? false,
      maxJobAttempts: input.maxJobAttempts ?? 1,
      jobAttempt: 1,
      lease: leaseMs === undefined ? null : { durationMs: leaseMs, expiresAt: now + leaseMs },
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      ...(tolerations.length > 0 ? { tolerations } : {}),
    };
    const tasks: Task[] = roles.flatMap((role) =>
      Array.from({ length: role.instances }, (_, index): Task => ({
        id: newId(),
        workloadId: workload.id,
        role: role.name,
        index,
        attempt: 1,
        state: "pending",
        ...UNPLACED,
        message: null,
        reason: "waiting for the scheduler",
        retryAt: null,
        backoffMs: 0,
        volumeNodeId: null,
        attemptBase: 0,
        createdAt: now,
        updatedAt: now,
      })),
    );
    this.store.transaction(() => {
      if (input.uniqueName && this.store.workloads.byOwnerAndName(input.owner, input.name)) {
        throw new ConflictError(`workload ${input.name} of ${input.owner} already exists`);
      }
      this.store.workloads.insert(workload);
      for (const t of tasks) this.store.tasks.insert(t);
      this.store.events.append({
        workloadId: workload.id,
        taskId: null,
        type: "Normal",
        reason: "Submitted",
        message: `workload submitted by ${input.owner} with ${tasks.length} tasks`,
        at: now,
      });
    });
    this.signals.schedulingNeeded.emit(`workload ${workload.id} submitted`);
    this.leases.arm(workload);
    return { workload, tasks };
  }

  /** By full id or an unambiguous id prefix (at least 4 characters). */
  resolve(idOrPrefix: string): Workload {
    const exact = this.store.workloads.byId(idOrPrefix);
    if (exact) return exact;
    if (idOrPrefix.length >= 4) {
      const ids = this.store.workloads.idsByPrefix(idOrPrefix.toLowerCase(), 2);
      if (ids.length > 1) throw new ConflictError(`workload id prefix ${idOrPrefix} is ambiguous`);
      const w = ids[0] === undefined ? undefined : this.store.workloads.byId(ids[0]);
      if (w) return w;
    }
    throw new NotFoundError("workload", idOrPrefix);
  }

  find(id: string): Workload | undefined {
    return this.store.workloads.byId(id);
  }

  findByOwnerAndName(owner: string, name: string): Workload | undefined {
    return this.store.workloads.byOwnerAndName(owner, name);
  }

  tasks(workloadId: string): Task[] {
    return this.store.tasks.byWorkload(workloadId);
  }

  /** tasks() of many workloads in one query (list pages), by workload id; each ordered by role, index. */
  tasksOf(workloadIds: readonly string[]): Map<string, Task[]> {
    const out = new Map<string, Task[]>(workloadIds.map((id) => [id, []]));
    for (const t of this.store.tasks.byWorkloads(workloadIds)) out.get(t.workloadId)?.push(t);
    return out;
  }

  /** The workload's task at `index` (of `role` when given). */
  task(workload: Workload, index: number, role?: string): Task {
    const task = this.tasks(workload.id).find(
      (t) => t.index === index && (role === undefined || t.role === role),
    );
    if (!task) throw new NotFoundError("task", `${role ?? "*"}[${index}]`);
    return task;
  }

  list(query: WorkloadQuery = {}): Workload[] {
    return this.store.workloads.list(query);
  }

  /** The ids of list()'s workloads, in its order (with core.workloadVersions: find cached presentations). */
  listIds(query: WorkloadQuery = {}): string[] {
    return this.store.workloads.listIds(query);
  }

  countByState(): Record<string, number> {
    return this.store.workloads.countByState();
  }

  events(workloadId: string, limit = 1000): WorkloadEvent[] {
    return this.store.events.byWorkload(workloadId, limit);
  }

  /**
   * Past whole-workload attempts (each one that failed and was retried), oldest first; the current
   * attempt is the workload itself. Empty for a workload that never retried.
   */
  /** The newest events of every workload (or of `owner`'s), oldest first. @default limit 50 */
  recentEvents(limit = 50, owner?: string): WorkloadEvent[] {
    return this.store.events.recent(limit, owner);
  }

  attempts(workloadId: string): PastJobAttempt[] {
    return this.store.jobAttempts.byWorkload(workloadId);
  }

  /** Asks every task to stop; pending ones stop at once, placed ones when their agent confirms. */
  stop(workload: Workload): Workload {
    this.leases.cancel(workload.id);
    return this.store.transaction(() => this.lifecycle.settle(workload.id, "stop")) ?? workload;
  }

  /**
   * Starts a stopped (or finished) interactive workload again with the same identity (id, name,
   * owner, quota unit): each task runs as its next attempt, on the node that holds its named
   * volumes. Its lease, if it has one, starts over; `leaseMs` replaces the lease's duration.
   */
  start(workload: Workload, options: { leaseMs?: number } = {}): Workload {
    requireInteractive(workload, "start again");
    if (options.leaseMs !== undefined) checkLeaseMs(options.leaseMs, "lease");
    const started = this.store.transaction(() => {
      const fresh = this.store.workloads.byId(workload.id) ?? workload;
      if (!isTerminalWorkloadState(fresh.state)) {
        throw new ConflictError(
          `workload ${fresh.name} is ${fresh.state}; only a stopped or finished one starts again`,
        );
      }
      const durationMs = options.leaseMs ?? fresh.lease?.durationMs;
      const lease =
        durationMs === undefined ? null : { durationMs, expiresAt: this.clock.now() + durationMs };
      return this.lifecycle.startAgain({ ...fresh, lease });
    });
    this.leases.arm(started);
    return started;
  }

  /**
   * Gives an interactive workload a lease of `durationMs` from now (null: no lease). A running one
   * stops when it expires; each start grants the same duration again.
   */
  setLease(workload: Workload, durationMs: number | null): Workload {
    return this.leases.set(workload, durationMs);
  }

  /** Moves a live workload's lease deadline `byMs` later. */
  prolongLease(workload: Workload, byMs: number): Workload {
    return this.leases.prolong(workload, byMs);
  }

  /**
   * Changes what a stopped (or finished) interactive workload runs when it starts again: its name,
   * every role's image, resource requests and host directories. A live one refuses (ConflictError): its tasks hold
   * the resources they were placed with.
   */
  reshape(
    workload: Workload,
    change: {
      name?: string;
      image?: string;
      resources?: Resources;
      hostPaths?: HostPathSpec[];
      meta?: Record<string, unknown>;
    },
  ): Workload {
    requireInteractive(workload, "change shape");
    return this.store.transaction(() => {
      const fresh = this.store.workloads.byId(workload.id) ?? workload;
      const respec =
        change.image !== undefined || change.resources !== undefined || change.hostPaths !== undefined;
      if (!isTerminalWorkloadState(fresh.state) && respec) {
        throw new ConflictError(
          `workload ${fresh.name} is ${fresh.state}; stop it before changing its image or resources`,
        );
      }
      const updated: Workload = {
        ...fresh,
        name: change.name ?? fresh.name,
        roles: fresh.roles.map((r) => ({
          ...r,
          image: change.image ?? r.image,
          resources: change.resources ?? r.resources,
          ...(change.hostPaths === undefined ? {} : { hostPaths: change.hostPaths }),
        })),
        meta: change.meta ?? fresh.meta,
        updatedAt: this.clock.now(),
      };
      if (change.hostPaths !== undefined) checkVolumes(updated.roles);
      this.store.workloads.update(updated);
      return updated;
    });
  }

  /** Saves surface metadata (tags, ...) without touching state. */
  updateMeta(workload: Workload, meta: Record<string, unknown>): Workload {
    const updated = { ...workload, meta, updatedAt: this.clock.now() };
    this.store.workloads.update(updated);
    return updated;
  }

  /**
   * Logs of one task, fetched from the agent that ran it: its current attempt, or `attempt` (a past
   * one, whose container its agent may still keep) on `nodeId`, the node that ran it.
   */
  async logs(
    workload: Workload,
    index: number,
    options: { role?: string; tailLines?: number; attempt?: { attempt: number; nodeId: string } } = {},
  ): Promise<string> {
    const task = this.tasks(workload.id).find(
      (t) => t.index === index && (options.role === undefined || t.role === options.role),
    );
    if (!task) throw new NotFoundError("task", `${options.role ?? "*"}[${index}]`);
    const tail = options.tailLines ?? 0;
    // The agent's field is a uint32 and a log of 1e12 lines is no answer anyone waits for.
    if (!Number.isSafeInteger(tail) || tail < 0 || tail > MAX_LOG_TAIL_LINES)
      throw new ValidationError("tail", `must be an integer from 0 (all) to ${MAX_LOG_TAIL_LINES}`);
    if (options.attempt && options.attempt.attempt !== task.attempt) {
      const { attempt, nodeId } = options.attempt;
      if (!this.logSource) throw new Error("no log source configured");
      return this.logSource.fetch(nodeId, task.id, attempt, options.tailLines ?? 0);
    }
    if (!task.nodeId || !task.containerId) {
      throw new NotFoundError("task logs", `${task.role}[${index}] has not started a container yet`);
    }
    if (!this.logSource) throw new Error("no log source configured");
    return this.logSource.fetch(task.nodeId, task.id, task.attempt, options.tailLines ?? 0);
  }
}
