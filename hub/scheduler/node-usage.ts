/**
 * What the planner believes each node holds while it plans one pass: the real placements, the
 * resources of tasks being preempted (freed soon, usable only by the reclaim that asked for them)
 * and reservations for starved work waiting on those preemptions. Free capacity for normal
 * placements is computed once per pool and pass and updated in place on each commit (capacity()),
 * so placing a task looks only at the nodes its shape may use.
 */
import type { FairNode } from "./fair-snapshot";
import { Capacity, type Free } from "./place";
import type { Assignment, NodeView } from "./snapshot";

export interface Held {
  cpuMilli: number;
  memoryMiB: number;
  gpus: Set<string>;
}

const empty = (): Held => ({ cpuMilli: 0, memoryMiB: 0, gpus: new Set() });

export class NodeUsage {
  private readonly real = new Map<string, Held>();
  private readonly freed = new Map<string, Held>();
  private readonly reserved = new Map<string, Held>();
  private readonly byPool = new Map<string, FairNode[]>();
  /** Per pool, free capacity for normal placements (real use plus reservations), kept current. */
  private readonly capacities = new Map<string, Capacity>();
  /** Node id -> its pool and index in that pool's node list. */
  private readonly where = new Map<string, { poolId: string; index: number; node: FairNode }>();

  constructor(nodes: readonly FairNode[]) {
    for (const n of nodes) {
      this.real.set(n.id, {
        cpuMilli: n.used.cpuMilli,
        memoryMiB: n.used.memoryMiB,
        gpus: new Set(n.used.gpus),
      });
      let list = this.byPool.get(n.poolId);
      if (!list) {
        list = [];
        this.byPool.set(n.poolId, list);
      }
      this.where.set(n.id, { poolId: n.poolId, index: list.length, node: n });
      list.push(n);
    }
  }

  /** Resources that will be free once a task being preempted stops. */
  free(nodeId: string, amounts: { cpuMilli: number; memoryMiB: number; gpuUuids: readonly string[] }): void {
    add(this.slot(this.freed, nodeId), amounts.cpuMilli, amounts.memoryMiB, amounts.gpuUuids);
  }

  /**
   * The pool's free capacity for a normal placement (real use plus reservations), built once per
   * pass and kept current by take() and reserve(); place with placeOn(cap, tasks, true).
   */
  capacity(poolId: string): Capacity {
    let cap = this.capacities.get(poolId);
    if (!cap) {
      const nodes = this.pool(poolId);
      cap = new Capacity(
        nodes,
        nodes.map((n) => this.normalFree(n)),
      );
      this.capacities.set(poolId, cap);
    }
    return cap;
  }

  /** Node views for a reclaim: as if `extra` (and every task already being preempted) had stopped. */
  reclaimViews(
    poolId: string,
    extra: readonly { nodeId: string; cpuMilli: number; memoryMiB: number; gpuUuids: readonly string[] }[],
  ): NodeView[] {
    const extraOn = new Set(extra.map((e) => e.nodeId));
    return this.pool(poolId).map((n) => {
      const r = this.get(this.real, n.id);
      const f = this.freed.get(n.id);
      const res = this.reserved.get(n.id);
      // Nothing freed, taken back or reserved here: the node holds what it really holds.
      if (!f && !res && !extraOn.has(n.id)) return { ...n, used: r };
      const gone: Held = f
        ? { cpuMilli: f.cpuMilli, memoryMiB: f.memoryMiB, gpus: new Set(f.gpus) }
        : empty();
      for (const e of extra) if (e.nodeId === n.id) add(gone, e.cpuMilli, e.memoryMiB, e.gpuUuids);
      const base: Held = {
        cpuMilli: r.cpuMilli - gone.cpuMilli,
        memoryMiB: r.memoryMiB - gone.memoryMiB,
        gpus: new Set([...r.gpus].filter((g) => !gone.gpus.has(g))),
      };
      return { ...n, used: merge(base, res ?? empty()) };
    });
  }

  /** A placement committed in this pass. */
  take(a: Assignment, cpuMilli: number, memoryMiB: number): void {
    add(this.slot(this.real, a.nodeId), cpuMilli, memoryMiB, a.gpuUuids);
    this.refresh(a.nodeId);
  }

  /** Held for starved work until the tasks preempted for it stop. */
  reserve(a: Assignment, cpuMilli: number, memoryMiB: number): void {
    add(this.slot(this.reserved, a.nodeId), cpuMilli, memoryMiB, a.gpuUuids);
    this.refresh(a.nodeId);
  }

  /** What a normal placement sees free on `n`: capacity minus real use and reservations. */
  private normalFree(n: FairNode): Free {
    const r = this.get(this.real, n.id);
    const s = this.reserved.get(n.id);
    return {
      cpuMilli: n.capacity.cpuMilli - (r.cpuMilli + (s?.cpuMilli ?? 0)),
      memoryMiB: n.capacity.memoryMiB - (r.memoryMiB + (s?.memoryMiB ?? 0)),
      gpus: n.gpus.filter((g) => !r.gpus.has(g) && !(s?.gpus.has(g) ?? false)),
    };
  }

  /** Brings the node's free capacity in its pool's Capacity up to date, in place. */
  private refresh(nodeId: string): void {
    const w = this.where.get(nodeId);
    const cap = w ? this.capacities.get(w.poolId) : undefined;
    if (!w || !cap) return;
    Object.assign(cap.free[w.index] as Free, this.normalFree(w.node));
    cap.version++;
  }

  private pool(poolId: string): FairNode[] {
    return this.byPool.get(poolId) ?? [];
  }

  private get(map: Map<string, Held>, id: string): Held {
    return map.get(id) ?? empty();
  }

  private slot(map: Map<string, Held>, id: string): Held {
    let h = map.get(id);
    if (!h) {
      h = empty();
      map.set(id, h);
    }
    return h;
  }
}

function add(h: Held, cpuMilli: number, memoryMiB: number, gpus: readonly string[]): void {
  h.cpuMilli += cpuMilli;
  h.memoryMiB += memoryMiB;
  for (const g of gpus) h.gpus.add(g);
}

function merge(a: Held, b: Held): Held {
  return {
    cpuMilli: a.cpuMilli + b.cpuMilli,
    memoryMiB: a.memoryMiB + b.memoryMiB,
    gpus: new Set([...a.gpus, ...b.gpus]),
  };
}
