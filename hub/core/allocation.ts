import type { Task, Workload } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { Store } from "./repositories";
import { observeWrites } from "./store-writes";

export interface NodeAllocation {
  cpuMilli: number;
  memoryMiB: number;
  gpus: Set<string>;
}

/** What placed tasks hold on each node: the sum of their roles' requests and their GPU UUIDs. */
export function allocationsByNode(store: Store): Map<string, NodeAllocation> {
  const used = new Map<string, NodeAllocation>();
  const workloads = new Map<string, Workload | undefined>();
  for (const t of store.tasks.byStates([...PLACED_TASK_STATES])) {
    if (!t.nodeId) continue;
    if (!workloads.has(t.workloadId)) workloads.set(t.workloadId, store.workloads.byId(t.workloadId));
    const role = workloads.get(t.workloadId)?.roles.find((r) => r.name === t.role);
    const u = used.get(t.nodeId) ?? { cpuMilli: 0, memoryMiB: 0, gpus: new Set<string>() };
    u.cpuMilli += role?.resources.cpuMilli ?? 0;
    u.memoryMiB += role?.resources.memoryMiB ?? 0;
    for (const g of t.gpuUuids) u.gpus.add(g);
    used.set(t.nodeId, u);
  }
  return used;
}

/** What one placed task holds, as it was when it was placed (a role's requests change only while stopped). */
interface Held {
  nodeId: string;
  cpuMilli: number;
  memoryMiB: number;
  gpus: readonly string[];
}

interface NodeEntry extends NodeAllocation {
  /** Placed tasks on the node; the entry goes when it reaches 0. */
  tasks: number;
}

const EMPTY: Readonly<NodeAllocation> = Object.freeze({ cpuMilli: 0, memoryMiB: 0, gpus: new Set<string>() });

/** Role requests remembered per workload id; cleared past this many (a pass places many tasks of few workloads). */
const ROLE_CACHE_LIMIT = 10_000;

/**
 * The allocation ledger: what placed tasks hold on each node (CPU millicores, memory MiB, GPU
 * UUIDs), kept current by every task write (trackAllocations() wraps the task repository), so a
 * read costs O(1) per node instead of loading every placed task (issue 15: 45 ms per node list
 * at 1k nodes). The same numbers as allocationsByNode(store), which rebuild() uses: at the first
 * read, and after a transaction failed (its writes rolled back, so the store is the truth again).
 * Each node has a version that grows with every change of its allocation (presenters key caches
 * on it). One ledger per core; the scheduler can read it instead of rebuilding its own.
 */
export class AllocationLedger {
  private readonly held = new Map<string, Held>();
  private readonly byNode = new Map<string, NodeEntry>();
  private readonly versions = new Map<string, number>();
  /** Changes of any node's allocation so far (what `version` answers). */
  private changes = 0;
  private readonly roles = new Map<string, Workload["roles"]>();
  private stale = true;

  /** `store` must be the untracked one (its task writes do not call back into the ledger). */
  constructor(private readonly store: Store) {}

  /** What the node's placed tasks hold now (live, do not mutate); zeros for an idle node. */
  of(nodeId: string): Readonly<NodeAllocation> {
    this.fresh();
    return this.byNode.get(nodeId) ?? EMPTY;
  }

  /** Grows whenever the node's allocation changes (0 before the first change). */
  versionOf(nodeId: string): number {
    this.fresh();
    return this.versions.get(nodeId) ?? 0;
  }

  /**
   * Grows whenever any node's allocation changes: a reader that saw the same value saw the same
   * allocations (the node list skips its per-node checks then).
   */
  get version(): number {
    this.fresh();
    return this.changes;
  }

  /** A copy of every busy node's allocation, by node id (idle nodes absent). */
  snapshot(): Map<string, NodeAllocation> {
    this.fresh();
    const out = new Map<string, NodeAllocation>();
    for (const [id, e] of this.byNode)
      out.set(id, { cpuMilli: e.cpuMilli, memoryMiB: e.memoryMiB, gpus: new Set(e.gpus) });
    return out;
  }

  /** A task row was inserted or updated: moves what it holds. */
  written(task: Task): void {
    if (this.stale) return; // the next read rebuilds from the store, this write included
    const prev = this.held.get(task.id);
    const placed = PLACED_TASK_STATES.has(task.state) && task.nodeId !== null;
    if (prev && placed && prev.nodeId === task.nodeId && sameGpus(prev.gpus, task.gpuUuids)) return;
    if (prev) this.release(task.id, prev);
    if (placed) this.hold(task, this.requestOf(task));
  }

  /** A workload row changed: its roles' requests are read again for tasks placed from now on. */
  workloadWritten(workloadId: string): void {
    this.roles.delete(workloadId);
  }

  /** Forget everything; the next read rebuilds from the store (a transaction was rolled back). */
  invalidate(): void {
    this.stale = true;
  }

  private fresh(): void {
    if (!this.stale) return;
    this.stale = false;
    this.held.clear();
    this.roles.clear();
    const before = new Set(this.byNode.keys());
    this.byNode.clear();
    for (const t of this.store.tasks.byStates([...PLACED_TASK_STATES])) {
      if (t.nodeId !== null) this.hold(t, this.requestOf(t));
    }
    // Every node that was busy or is busy now may have changed: caches keyed on versions drop.
    for (const id of before) this.bump(id);
  }

  private requestOf(task: Task): { cpuMilli: number; memoryMiB: number } {
    let roles = this.roles.get(task.workloadId);
    if (!roles) {
      if (this.roles.size >= ROLE_CACHE_LIMIT) this.roles.clear();
      roles = this.store.workloads.byId(task.workloadId)?.roles ?? [];
      this.roles.set(task.workloadId, roles);
    }
    const r = roles.find((x) => x.name === task.role)?.resources;
    return { cpuMilli: r?.cpuMilli ?? 0, memoryMiB: r?.memoryMiB ?? 0 };
  }

  private hold(task: Task, req: { cpuMilli: number; memoryMiB: number }): void {
    const nodeId = task.nodeId as string;
    const h: Held = { nodeId, cpuMilli: req.cpuMilli, memoryMiB: req.memoryMiB, gpus: [...task.gpuUuids] };
    this.held.set(task.id, h);
    let e = this.byNode.get(nodeId);
    if (!e) {
      e = { cpuMilli: 0, memoryMiB: 0, gpus: new Set(), tasks: 0 };
      this.byNode.set(nodeId, e);
    }
    e.cpuMilli += h.cpuMilli;
    e.memoryMiB += h.memoryMiB;
    for (const g of h.gpus) e.gpus.add(g);
    e.tasks += 1;
    this.bump(nodeId);
  }

  private release(taskId: string, h: Held): void {
    this.held.delete(taskId);
    const e = this.byNode.get(h.nodeId);
    if (!e) return;
    e.cpuMilli -= h.cpuMilli;
    e.memoryMiB -= h.memoryMiB;
    for (const g of h.gpus) e.gpus.delete(g);
    e.tasks -= 1;
    if (e.tasks <= 0) this.byNode.delete(h.nodeId);
    this.bump(h.nodeId);
  }

  private bump(nodeId: string): void {
    this.changes++;
    this.versions.set(nodeId, (this.versions.get(nodeId) ?? 0) + 1);
  }
}

const sameGpus = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((g, i) => g === b[i]);

/**
 * `store` whose task and workload writes keep `ledger` current, and whose failed transactions
 * make it rebuild (store-writes.ts). Every core service is built over this store (createCore), so
 * no write path can bypass the ledger.
 */
export const trackAllocations = (store: Store, ledger: AllocationLedger): Store =>
  observeWrites(store, {
    taskWritten: (task) => ledger.written(task),
    workloadWritten: (workloadId) => ledger.workloadWritten(workloadId),
    anyChanged: () => ledger.invalidate(),
  });
