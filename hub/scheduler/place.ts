import type { Taint } from "../core/taint-model";
import type { Assignment, NodeView, PendingTask, Plan } from "./snapshot";
import { taintText, untolerated } from "./taints";

/** Taint effects that keep a task off a node, and the one that only makes the node a last resort. */
const HARD_EFFECTS = ["NoSchedule", "NoExecute"] as const;
const SOFT_EFFECTS = ["PreferNoSchedule"] as const;
/** Score penalty of an avoided node: larger than any free-capacity difference. */
const AVOID = 1e12;

/** What a node has free right now in this pass (millicores, MiB, GPU UUIDs in placement order). */
export interface Free {
  cpuMilli: number;
  memoryMiB: number;
  gpus: string[];
}

/** Nodes that pass a task's per-node feasibility step, with their free capacity (same index). */
interface Eligible {
  nodes: NodeView[];
  free: Free[];
}

/**
 * The nodes one placement works on, with each node's free capacity computed once and updated in
 * place by every tentative placement (`version` counts the changes). What passes a task's
 * per-node feasibility step depends only on the task's shape (cluster, pinned node, selector) and
 * on node facts that do not change within a pass, so it is worked out once per shape; a shape
 * that did not fit is not tried again until some free capacity changed.
 */
export class Capacity {
  readonly free: Free[];
  /** Bumped on every change to any node's free capacity. */
  version = 0;
  private readonly byCluster = new Map<string, number[]>();
  private readonly eligible = new Map<string, Eligible | string>();
  private readonly failed = new Map<string, { version: number; reason: string }>();

  /** `free`: each node's free capacity when the caller keeps it (same order as `nodes`). */
  constructor(
    readonly nodes: readonly NodeView[],
    free?: Free[],
  ) {
    this.free = free ?? nodes.map(freeOf);
    nodes.forEach((n, i) => {
      const list = this.byCluster.get(n.clusterId);
      if (list) list.push(i);
      else this.byCluster.set(n.clusterId, [i]);
    });
  }

  /** The task's feasible nodes (cached per shape), or why there are none. */
  eligibleFor(task: PendingTask): Eligible | string {
    const key = staticKey(task);
    let e = this.eligible.get(key);
    if (e === undefined) {
      const inCluster =
        task.clusterId === null ? this.nodes.map((_, i) => i) : (this.byCluster.get(task.clusterId) ?? []);
      e = feasible(
        inCluster.map((i) => this.nodes[i] as NodeView),
        inCluster.map((i) => this.free[i] as Free),
        task,
      );
      this.eligible.set(key, e);
    }
    return e;
  }

  /** Why a task of this shape did not fit, if nothing changed since it was tried. */
  knownFailure(key: string): string | undefined {
    const f = this.failed.get(key);
    return f && f.version === this.version ? f.reason : undefined;
  }

  rememberFailure(key: string, reason: string): void {
    this.failed.set(key, { version: this.version, reason });
  }
}

/** Free capacity of a node from its capacity and what is used on it. */
export function freeOf(n: NodeView): Free {
  return {
    cpuMilli: n.capacity.cpuMilli - n.used.cpuMilli,
    memoryMiB: n.capacity.memoryMiB - n.used.memoryMiB,
    gpus: n.gpus.filter((g) => !n.used.gpus.has(g)),
  };
}

/**
 * First-cut placement. Tasks are taken in the given order (the caller passes oldest first).
 * Feasible nodes are ready, schedulable, have a working runtime, sit in the task's cluster, carry
 * every selector label and have the free CPU, memory and GPU devices. Among them GPU tasks bin-pack
 * (fewest free GPUs left, to keep whole boxes free for big jobs) and CPU-only tasks spread (most
 * free CPU). A gang is placed entirely or not at all.
 */
export function place(nodes: readonly NodeView[], pending: readonly PendingTask[]): Plan {
  return placeOn(new Capacity(nodes), pending, false);
}

/**
 * place() on capacity the caller keeps across calls. `trial`: leave `cap` as it was (the caller
 * commits what it accepts through its own bookkeeping); else the placements stay taken in `cap`.
 */
export function placeOn(cap: Capacity, pending: readonly PendingTask[], trial: boolean): Plan {
  const assignments: Assignment[] = [];
  const waiting = new Map<string, string>();
  // Trial: each touched node's free capacity as it was, to put back exactly.
  const before = trial ? new Map<Free, Free>() : null;

  for (const group of groups(pending)) {
    const tentative: { assignment: Assignment; free: Free; cpuMilli: number; memoryMiB: number }[] = [];
    let failed: { task: PendingTask; reason: string } | null = null;
    for (const task of group) {
      const choice = choose(cap, task);
      if (typeof choice === "string") {
        failed = { task, reason: choice };
        break;
      }
      const f = choice.free;
      if (before && !before.has(f)) before.set(f, { ...f });
      const gpuUuids = f.gpus.slice(0, task.gpu);
      f.cpuMilli -= task.cpuMilli;
      f.memoryMiB -= task.memoryMiB;
      f.gpus = f.gpus.slice(task.gpu);
      cap.version++;
      tentative.push({
        assignment: { taskId: task.taskId, nodeId: choice.node.id, gpuUuids },
        free: f,
        cpuMilli: task.cpuMilli,
        memoryMiB: task.memoryMiB,
      });
    }
    if (failed) {
      // Roll the gang back: give what it took to the tasks after it.
      for (const t of tentative.reverse()) {
        const f = t.free;
        f.cpuMilli += t.cpuMilli;
        f.memoryMiB += t.memoryMiB;
        f.gpus = [...t.assignment.gpuUuids, ...f.gpus];
        cap.version++;
      }
      const prefix = group.length > 1 ? `gang of ${group.length} tasks cannot be placed together: ` : "";
      for (const task of group) waiting.set(task.taskId, prefix + failed.reason);
      continue;
    }
    for (const t of tentative) assignments.push(t.assignment);
  }
  if (before) {
    for (const [f, was] of before) Object.assign(f, was);
    if (before.size > 0) cap.version++;
  }
  return { assignments, waiting };
}

/** Keeps order; tasks of one gang come together at the position of the gang's first task. */
function groups(pending: readonly PendingTask[]): PendingTask[][] {
  const out: PendingTask[][] = [];
  const byGang = new Map<string, PendingTask[]>();
  for (const t of pending) {
    if (t.gang === null) {
      out.push([t]);
      continue;
    }
    let g = byGang.get(t.gang);
    if (!g) {
      g = [];
      byGang.set(t.gang, g);
      out.push(g);
    }
    g.push(t);
  }
  return out;
}

/**
 * What the per-node feasibility step reads of a task: tasks with the same key get the same
 * eligible nodes and the same reason. A new filter that reads another task field adds it here.
 */
function staticKey(task: PendingTask): string {
  const tolerations = task.tolerations?.length ? JSON.stringify(task.tolerations) : "";
  return [
    task.clusterId ?? "",
    task.nodeId ?? "",
    task.nodeSelector.join("\u0001"),
    task.ownerId ?? "",
    tolerations,
  ].join("\u0000");
}

/**
 * The per-node feasibility step: the nodes of the task's cluster (`nodes`, with their free
 * capacity at the same index) that may run it at all, or why none may. Narrow by what the task
 * asks for first (pinned node, labels), then by node state, so the reason names the real
 * obstacle: "the one labelled node is cordoned" rather than "no node has the label".
 * NEW FILTERS GO HERE, each as one more `keep(...)` step with its own waiting reason, in the place
 * of the chain where its reason should win; a filter that reads a task field must add that field
 * to staticKey(). Only facts fixed for the pass belong here (free capacity is checked in choose()).
 */
function feasible(nodes: readonly NodeView[], free: readonly Free[], task: PendingTask): Eligible | string {
  let c = { nodes: [...nodes], free: [...free] };
  const keep = (test: (n: NodeView) => boolean): number => {
    const next: typeof c = { nodes: [], free: [] };
    c.nodes.forEach((n, i) => {
      if (!test(n)) return;
      next.nodes.push(n);
      next.free.push(c.free[i] as Free);
    });
    c = next;
    return c.nodes.length;
  };
  if (c.nodes.length === 0) return "no node in the workload's cluster";
  if (task.nodeId !== null && keep((n) => n.id === task.nodeId) === 0) {
    return "the node this task is pinned to is gone";
  }
  const missing = task.nodeSelector.filter((l) => !c.nodes.some((n) => n.labels.includes(l)));
  if (keep((n) => task.nodeSelector.every((l) => n.labels.includes(l))) === 0) {
    return `no node carries the labels ${JSON.stringify(missing.length ? missing : task.nodeSelector)}`;
  }
  const labelled = c.nodes.length;
  const of = `${labelled} matching node${labelled === 1 ? "" : "s"}`;
  if (keep((n) => n.ready) === 0) return `none of ${of} is ready`;
  if (keep((n) => n.schedulable) === 0) return `every ready node of ${of} is cordoned`;
  if (keep((n) => n.runtimeAvailable) === 0) return `no ready node of ${of} has a working container runtime`;
  if (keep((n) => admitsReserved(n, task)) === 0) {
    return `every usable node of ${of} is reserved as a Lite Server: only its holder's jobs pinned to it run there`;
  }
  // Taints the task does not tolerate (taints.ts): NoSchedule and NoExecute keep it off the node.
  let repelling: Taint | undefined;
  const tolerated = (n: NodeView): boolean => {
    const t = untolerated(n.taints, task.tolerations, HARD_EFFECTS)[0];
    repelling ??= t;
    return t === undefined;
  };
  if (keep(tolerated) === 0) {
    return `every ready node of ${of} has a taint the task does not tolerate (${repelling ? taintText(repelling) : ""})`;
  }
  return c;
}

/** The best node for the task with its free capacity, or why none fits. */
function choose(cap: Capacity, task: PendingTask): { node: NodeView; free: Free } | string {
  const e = cap.eligibleFor(task);
  if (typeof e === "string") return e;
  const shape = `${staticKey(task)}\u0000${task.cpuMilli}\u0000${task.memoryMiB}\u0000${task.gpu}`;
  const known = cap.knownFailure(shape);
  if (known !== undefined) return known;
  // One walk over the feasible nodes: count who is short of what, keep the best that fits.
  // Highest score wins; ties go to the name so placement is deterministic. GPU tasks bin-pack
  // (fewest free GPUs left), CPU-only tasks spread (most free CPU, then memory).
  let shortCpu = 0;
  let shortMemory = 0;
  let shortGpu = 0;
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < e.nodes.length; i++) {
    const f = e.free[i] as Free;
    const cpu = f.cpuMilli >= task.cpuMilli;
    const mem = f.memoryMiB >= task.memoryMiB;
    const gpu = f.gpus.length >= task.gpu;
    if (!cpu) shortCpu++;
    if (!mem) shortMemory++;
    if (!gpu) shortGpu++;
    if (!(cpu && mem && gpu)) continue;
    const fit = task.gpu > 0 ? -(f.gpus.length - task.gpu) : f.cpuMilli - task.cpuMilli + f.memoryMiB / 1024;
    // A PreferNoSchedule taint the task does not tolerate ranks the node below every other fit.
    const avoided = untolerated((e.nodes[i] as NodeView).taints, task.tolerations, SOFT_EFFECTS).length > 0;
    const score = avoided ? fit - AVOID : fit;
    if (best < 0) {
      best = i;
      bestScore = score;
      continue;
    }
    const d = score - bestScore;
    if (d > 0 || (d === 0 && (e.nodes[i] as NodeView).name < (e.nodes[best] as NodeView).name)) {
      best = i;
      bestScore = score;
    }
  }
  if (best < 0) {
    const matching = e.nodes.length;
    const what = [
      shortCpu && `cpu (${task.cpuMilli}m)`,
      shortMemory && `memory (${task.memoryMiB} MiB)`,
      shortGpu && `gpu (${task.gpu})`,
    ].filter(Boolean);
    const reason = `insufficient ${what.join(", ")} on ${matching} ready matching node${matching === 1 ? "" : "s"}`;
    cap.rememberFailure(shape, reason);
    return reason;
  }
  return { node: e.nodes[best] as NodeView, free: e.free[best] as Free };
}

/** A node leased whole to one user (a Lite Server) admits only that user's tasks pinned to it. */
function admitsReserved(n: NodeView, task: PendingTask): boolean {
  const holder = n.reservedFor ?? null;
  return holder === null || (task.nodeId === n.id && (task.ownerId ?? null) === holder);
}
