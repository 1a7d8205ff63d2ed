/**
 * What the planner believes each node holds while it plans one pass: the real placements, the
 * resources of tasks being preempted (freed soon, usable only by the reclaim that asked for them)
 * and reservations for starved work waiting on those preemptions.
 */
import type { FairNode } from "./fair-snapshot";
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

  constructor(private readonly nodes: readonly FairNode[]) {
    for (const n of nodes) {
      this.real.set(n.id, {
        cpuMilli: n.used.cpuMilli,
        memoryMiB: n.used.memoryMiB,
        gpus: new Set(n.used.gpus),
      });
    }
  }

  /** Resources that will be free once a task being preempted stops. */
  free(nodeId: string, amounts: { cpuMilli: number; memoryMiB: number; gpuUuids: readonly string[] }): void {
    add(this.slot(this.freed, nodeId), amounts.cpuMilli, amounts.memoryMiB, amounts.gpuUuids);
  }

  /** Node views for a normal placement: real use plus reservations. */
  views(poolId: string): NodeView[] {
    return this.pool(poolId).map((n) => ({
      ...n,
      used: merge(this.get(this.real, n.id), this.get(this.reserved, n.id)),
    }));
  }

  /** Node views for a reclaim: as if `extra` (and every task already being preempted) had stopped. */
  reclaimViews(
    poolId: string,
    extra: readonly { nodeId: string; cpuMilli: number; memoryMiB: number; gpuUuids: readonly string[] }[],
  ): NodeView[] {
    return this.pool(poolId).map((n) => {
      const f = this.get(this.freed, n.id);
      const gone = { cpuMilli: f.cpuMilli, memoryMiB: f.memoryMiB, gpus: new Set(f.gpus) };
      for (const e of extra) if (e.nodeId === n.id) add(gone, e.cpuMilli, e.memoryMiB, e.gpuUuids);
      const r = this.get(this.real, n.id);
      const base: Held = {
        cpuMilli: r.cpuMilli - gone.cpuMilli,
        memoryMiB: r.memoryMiB - gone.memoryMiB,
        gpus: new Set([...r.gpus].filter((g) => !gone.gpus.has(g))),
      };
      return { ...n, used: merge(base, this.get(this.reserved, n.id)) };
    });
  }

  /** A placement committed in this pass. */
  take(a: Assignment, cpuMilli: number, memoryMiB: number): void {
    add(this.slot(this.real, a.nodeId), cpuMilli, memoryMiB, a.gpuUuids);
  }

  /** Held for starved work until the tasks preempted for it stop. */
  reserve(a: Assignment, cpuMilli: number, memoryMiB: number): void {
    add(this.slot(this.reserved, a.nodeId), cpuMilli, memoryMiB, a.gpuUuids);
  }

  private pool(poolId: string): FairNode[] {
    return this.nodes.filter((n) => n.poolId === poolId);
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
