import { planFairShare } from "../scheduler/fair-plan";
import type {
  Amounts,
  FairNode,
  FairPending,
  FairUnit,
  Quota,
  ResourceKey,
  RunningTask,
} from "../scheduler/fair-snapshot";
import { allocatableGpus } from "./capacity";
import type { Clock } from "./clock";
import type { NodePool, QuotaUnit, Task, Workload } from "./model";
import { PLACED_TASK_STATES } from "./model";
import { DEFAULT_POOL, type NodePoolService } from "./node-pools";
import type { NodeService } from "./nodes";
import type { Preemptions } from "./preemption";
import type { Store } from "./repositories";
import type { CoreSignals } from "./signals";
import type { WorkloadVersions } from "./workload-versions";

/** Workloads the loop keeps parsed between passes; the cache is emptied past this many. */
const WORKLOAD_CACHE_LIMIT = 20_000;

/**
 * The periodic tick runs a full pass at least this often even when nothing announced a change: a
 * safety net for changes that neither a signal nor the node facts the tick compares name.
 * @default 60_000 ms
 */
export const FULL_PASS_EVERY_MS = 60_000;

/**
 * Runs the scheduler: builds a snapshot from current state (nodes with their pool, quota units,
 * running and pending work), asks the pure fair-share planner for a plan, re-checks each
 * assignment against fresh state and commits the plan — placements, waiting reasons and
 * preemptions — in one transaction.
 */
export class PlacementLoop {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly nodePools: NodePoolService,
    private readonly preemptions: Preemptions,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
    private readonly workloadVersions: WorkloadVersions,
  ) {
    // Whatever may let a waiting task be placed (a submit, a node ready or uncordoned, labels
    // changed, a task ended or released, quota changed) makes the next tick run a pass.
    signals.schedulingNeeded.on(() => {
      this.dirty = true;
    });
    signals.nodeChanged.on(() => {
      this.dirty = true;
    });
    // A node's desired set changed outside a pass: e.g. a stopped workload's assigned tasks freed
    // their resources at once, which no schedulingNeeded announces.
    signals.desiredChanged.on(() => {
      if (!this.inPass) this.dirty = true;
    });
  }

  /** Parsed workloads with the version they were read at (workload-versions.ts). */
  private readonly workloadCache = new Map<string, { version: number; workload: Workload | undefined }>();

  /**
   * The workload as the store has it now, parsed again only when its version moved: a pass reads
   * the workload of every pending and placed task, and most of them did not change since the last.
   */
  private workload(id: string): Workload | undefined {
    const version = this.workloadVersions.versionOf(id);
    const hit = this.workloadCache.get(id);
    if (hit && hit.version === version) return hit.workload;
    if (this.workloadCache.size >= WORKLOAD_CACHE_LIMIT) this.workloadCache.clear();
    const workload = this.store.workloads.byId(id);
    this.workloadCache.set(id, { version, workload });
    return workload;
  }

  /** A pass is running (its own desiredChanged signals do not ask for another). */
  private inPass = false;

  /** Something may have changed since the last pass. */
  private dirty = true;
  /** Clock ms of the last pass; -Infinity before the first. */
  private lastPassAt = Number.NEGATIVE_INFINITY;
  /** The earliest back-off end among the tasks the last pass skipped; null: none. */
  private nextRetryAt: number | null = null;
  /**
   * The nodes' schedulable facts (nodeFacts()) at the last tick. Taken per tick, not per pass: a
   * change after one tick differs at the next whatever passes ran between, and a signalled pass
   * (a submit) need not build the string over every node.
   */
  private lastNodeFacts = "";

  /**
   * The periodic tick (every 5 s in the hub): a pass only when it may place something — a change
   * was signalled since the last pass, a node's schedulable facts changed, a task's back-off ended,
   * or FULL_PASS_EVERY_MS went by.
   * A backlog that fits nowhere costs nothing while nothing changes. Returns what runOnce()
   * placed, or null when it skipped.
   */
  tick(): number | null {
    const now = this.clock.now();
    const facts = this.nodeFacts();
    const factsChanged = facts !== this.lastNodeFacts;
    this.lastNodeFacts = facts;
    const due =
      this.dirty ||
      now - this.lastPassAt >= FULL_PASS_EVERY_MS ||
      (this.nextRetryAt !== null && now >= this.nextRetryAt) ||
      factsChanged;
    return due ? this.runOnce() : null;
  }

  /**
   * The node facts placement reads, in one string (nodes are held in memory, so this is cheap):
   * a change no signal announces (a runtime back in a hello, new hardware) still runs a pass.
   */
  private nodeFacts(): string {
    return this.nodes
      .list()
      .map(
        (n) =>
          `${n.id}|${n.status}|${n.schedulable}|${n.runtime?.available ?? false}|${n.labels.join(",")}|` +
          `${n.hardware?.cpu.cores ?? 0}|${n.hardware?.memory.totalMiB ?? 0}|${allocatableGpus(n).length}`,
      )
      .join("\n");
  }

  /**
   * Each unit's fair share now, per node pool id then unit id (GPUs, millicores, MiB): what the
   * scheduler's pass would give it from the pool's schedulable capacity, its quota and its demand.
   * Computed on demand by the same pure planner, committing nothing.
   */
  fairShares(): Map<string, Map<string, Amounts>> {
    const pending = this.store.tasks.byStates(["pending"]);
    const workloads = new Map<string, Workload>();
    for (const t of pending) {
      const w = workloads.get(t.workloadId) ?? this.workload(t.workloadId);
      if (w) workloads.set(w.id, w);
    }
    return this.plan(pending, workloads).fairShares;
  }

  private plan(pending: Task[], workloads: Map<string, Workload>) {
    const pools = this.nodePools.list();
    const nodes = this.nodeViews(pools);
    return planFairShare({
      pools: pools.map((p) => ({ id: p.id, name: p.name })),
      nodes,
      units: fairUnits(this.store.quotaUnits.list(), pools),
      running: this.runningViews(nodes),
      pending: this.pendingViews(pending, workloads),
    });
  }

  /** One pass. Returns how many tasks were placed. */
  runOnce(): number {
    this.inPass = true;
    try {
      return this.pass();
    } catch (err) {
      // A failed pass placed nothing for sure: the next tick tries again.
      this.dirty = true;
      throw err;
    } finally {
      this.inPass = false;
    }
  }

  private pass(): number {
    // Restarted service tasks still in their crash-loop back-off sit this pass out (they keep
    // the reason the lifecycle gave them, and the lifecycle asks for scheduling when it ends).
    const now = this.clock.now();
    this.dirty = false;
    this.lastPassAt = now;
    this.nextRetryAt = null;
    const pending = this.store.tasks.byStates(["pending"]).filter((t) => {
      if (t.retryAt === null || t.retryAt <= now) return true;
      this.nextRetryAt = Math.min(this.nextRetryAt ?? t.retryAt, t.retryAt);
      return false;
    });
    if (pending.length === 0) return 0;
    const workloads = new Map<string, Workload>();
    for (const t of pending) {
      if (!workloads.has(t.workloadId)) {
        const w = this.workload(t.workloadId);
        if (w) workloads.set(w.id, w);
      }
    }
    const plan = this.plan(pending, workloads);

    const touchedNodes = new Set<string>();
    let committed = 0;
    this.store.transaction(() => {
      for (const a of plan.assignments) {
        const task = this.store.tasks.byId(a.taskId);
        const node = this.nodes.findById(a.nodeId);
        // Re-check: the task is still pending, the node still ready and no GPU was taken meanwhile
        // (the allocation ledger holds the node's GPUs in use now, this commit's included).
        const held = this.nodes.allocationOf(a.nodeId).gpus;
        if (
          !task ||
          task.state !== "pending" ||
          !node ||
          node.status !== "ready" ||
          a.gpuUuids.some((g) => held.has(g))
        ) {
          // State moved under the plan: the next tick tries again.
          this.dirty = true;
          continue;
        }
        this.store.tasks.update({
          ...task,
          state: "assigned",
          nodeId: a.nodeId,
          gpuUuids: a.gpuUuids,
          reason: null,
          updatedAt: now,
        });
        this.store.events.append({
          workloadId: task.workloadId,
          taskId: task.id,
          type: "Normal",
          reason: "Scheduled",
          message: `task ${task.role}[${task.index}] attempt ${task.attempt} assigned to node ${node.name}${a.gpuUuids.length ? ` with GPUs ${a.gpuUuids.join(",")}` : ""}`,
          at: now,
        });
        touchedNodes.add(a.nodeId);
        committed++;
      }
      const pendingById = new Map(pending.map((t) => [t.id, t]));
      for (const [taskId, reason] of plan.waiting) {
        const task = pendingById.get(taskId);
        if (task && task.reason !== reason) this.store.tasks.update({ ...task, reason, updatedAt: now });
      }
      for (const p of plan.preemptions) this.preemptions.request(p.taskId, p.reason);
    });
    for (const nodeId of touchedNodes) this.signals.desiredChanged.emit(nodeId);
    return committed;
  }

  private nodeViews(pools: ReturnType<NodePoolService["list"]>): FairNode[] {
    const used = this.nodes.allocations();
    const reservedFor = new Map(this.store.nodeReservations.list().map((r) => [r.nodeId, r.holderId]));
    return this.nodes.list().map((n) => ({
      id: n.id,
      poolId: this.nodePools.poolOf(n, pools).id,
      name: n.name,
      clusterId: n.clusterId,
      labels: n.labels,
      ready: n.status === "ready",
      schedulable: n.schedulable,
      runtimeAvailable: n.runtime?.available ?? false,
      capacity: {
        cpuMilli: (n.hardware?.cpu.cores ?? 0) * 1000,
        memoryMiB: n.hardware?.memory.totalMiB ?? 0,
      },
      gpus: allocatableGpus(n).map((g) => g.uuid),
      used: used.get(n.id) ?? { cpuMilli: 0, memoryMiB: 0, gpus: new Set() },
      reservedFor: reservedFor.get(n.id) ?? null,
      taints: n.taints ?? [],
    }));
  }

  /** Placed tasks with their unit, pool and request (what reclaim may take back). */
  private runningViews(nodes: readonly FairNode[]): RunningTask[] {
    const poolOf = new Map(nodes.map((n) => [n.id, n.poolId]));
    const workloads = new Map<string, Workload | undefined>();
    const out: RunningTask[] = [];
    for (const t of this.store.tasks.byStates([...PLACED_TASK_STATES])) {
      if (!t.nodeId) continue;
      if (!workloads.has(t.workloadId)) workloads.set(t.workloadId, this.workload(t.workloadId));
      const w = workloads.get(t.workloadId);
      const role = w?.roles.find((r) => r.name === t.role);
      if (!w || !role) continue;
      out.push({
        taskId: t.id,
        workloadId: w.id,
        unitId: w.quotaUnitId,
        poolId: poolOf.get(t.nodeId) ?? "",
        nodeId: t.nodeId,
        request: {
          gpu: t.gpuUuids.length,
          cpuMilli: role.resources.cpuMilli,
          memoryMiB: role.resources.memoryMiB,
        },
        gpuUuids: t.gpuUuids,
        priority: w.priority,
        preemptible: w.preemptible && w.ending === null,
        startedAt: t.startedAt ?? t.updatedAt,
        preempting: this.preemptions.isPreempting(t),
      });
    }
    return out;
  }

  private pendingViews(pending: readonly Task[], workloads: Map<string, Workload>): FairPending[] {
    const out: FairPending[] = [];
    // Owners' user ids, for nodes leased to one user (NodeView.reservedFor).
    const ownerIds = new Map<string, string | null>();
    const ownerId = (username: string): string | null => {
      if (!ownerIds.has(username)) ownerIds.set(username, this.store.users.byUsername(username)?.id ?? null);
      return ownerIds.get(username) ?? null;
    };
    for (const t of pending) {
      const w = workloads.get(t.workloadId);
      const role = w?.roles.find((r) => r.name === t.role);
      if (!w || !role || w.ending !== null) continue;
      out.push({
        taskId: t.id,
        workloadId: w.id,
        gang: w.gang ? w.id : null,
        clusterId: w.clusterId,
        nodeSelector: w.nodeSelector,
        // A daemon-set member's node, else the node holding the task's named volumes.
        nodeId: role.nodeId ?? t.volumeNodeId ?? null,
        cpuMilli: role.resources.cpuMilli,
        memoryMiB: role.resources.memoryMiB,
        gpu: role.resources.gpu,
        tolerations: w.tolerations ?? [],
        unitId: w.quotaUnitId,
        poolId: w.nodePoolId,
        priority: w.priority,
        preemptible: w.preemptible,
        ownerId: ownerId(w.owner),
      });
    }
    return out;
  }
}

/**
 * Kinds whose work naming no pool stays in its effective default pools (Run:ai projects and
 * departments; docs/compat/runai.md §2): with no list of its own or its parent's, that is the `default` pool only. Other
 * kinds have no pool policy unless they (or their parent) list default pools.
 */
const POOL_POLICY_KINDS: ReadonlySet<QuotaUnit["kind"]> = new Set(["project", "department"]);

function fairUnits(all: readonly QuotaUnit[], pools: readonly NodePool[]): FairUnit[] {
  const byId = new Map(all.map((u) => [u.id, u]));
  const known = new Set(pools.map((p) => p.id));
  const fallback = pools.find((p) => p.name === DEFAULT_POOL)?.id;
  return all.map((u) => {
    const quotas = new Map<string, Record<ResourceKey, Quota>>();
    for (const a of u.allocations) {
      quotas.set(a.nodePoolId, { gpu: a.gpu, cpuMilli: a.cpuMilli, memoryMiB: a.memoryMiB });
    }
    // Effective value: the unit's own list, else its parent's, else the kind's default.
    const parent = u.parentId ? byId.get(u.parentId) : undefined;
    const own = nonEmpty(u.defaultNodePools) ?? nonEmpty(parent?.defaultNodePools ?? null);
    let defaultPools: string[] | null = null;
    if (own) defaultPools = own.filter((id) => known.has(id));
    else if (POOL_POLICY_KINDS.has(u.kind)) defaultPools = fallback !== undefined ? [fallback] : [];
    const ranks = new Map(Object.entries(u.ranks));
    return { id: u.id, name: u.name, kind: u.kind, parentId: u.parentId, quotas, defaultPools, ranks };
  });
}

const nonEmpty = (list: string[] | null): string[] | null => (list && list.length > 0 ? list : null);
