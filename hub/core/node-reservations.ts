import type { Clock } from "./clock";
import type { NodeDrains } from "./drain";
import { ConflictError } from "./errors";
import type { Node, User } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { NodeReservation } from "./node-reservation-model";
import type { NodeService } from "./nodes";
import type { Preemptions } from "./preemption";
import type { Store } from "./repositories";
import { newId } from "./secrets";
import type { CoreSignals } from "./signals";

/** What a reservation's node is doing now, for a surface's status words. */
export interface ReservationState {
  /** undefined: the node was deleted under the lease. */
  node: Node | undefined;
  /** Tasks on the node still stopping for a stop or a reboot. */
  stopping: number;
}

/**
 * Nodes leased whole to one user (ModelArts Lite Servers). Reserving picks a ready node that runs
 * nothing; the scheduler then places there only the holder's tasks pinned to it (the NodeView's
 * `reservedFor`). Stop drains the node (every task, pinned ones too, leaves through the eviction
 * path and waits) and cordons it; start uncordons it, so the holder's pinned work comes back;
 * reboot evicts every task there so each restarts as its next attempt on the same node; release
 * drops the lease and uncordons the node.
 */
export class NodeReservations {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly drains: NodeDrains,
    private readonly preemptions: Preemptions,
    private readonly clock: Clock,
    private readonly signals: CoreSignals,
  ) {}

  /** Every reservation, oldest first; `holderId`: only that user's. */
  list(filter: { holderId?: string } = {}): NodeReservation[] {
    return this.store.nodeReservations
      .list()
      .filter((r) => filter.holderId === undefined || r.holderId === filter.holderId);
  }

  find(id: string): NodeReservation | undefined {
    return this.store.nodeReservations.byId(id);
  }

  forNode(nodeId: string): NodeReservation | undefined {
    return this.store.nodeReservations.byNode(nodeId);
  }

  /** Whether the node could be reserved now: ready, schedulable, a working runtime, no task, no lease. */
  isFree(node: Node): boolean {
    return (
      node.status === "ready" &&
      node.schedulable &&
      (node.runtime?.available ?? false) &&
      this.store.tasks.byNode(node.id, [...PLACED_TASK_STATES]).length === 0 &&
      !this.store.nodeReservations.byNode(node.id)
    );
  }

  /**
   * Leases the first free node (by name) that `fits` to `holder`. Conflict when none is free:
   * the message says how many fitting nodes there are and why they are taken.
   */
  reserve(
    holder: User,
    ask: { name: string; fits: (node: Node) => boolean; meta?: Record<string, unknown> },
  ): NodeReservation {
    return this.store.transaction(() => {
      const fitting = this.nodes
        .list()
        .filter(ask.fits)
        .sort((a, b) => a.name.localeCompare(b.name));
      const node = fitting.find((n) => this.isFree(n));
      if (!node) {
        throw new ConflictError(
          fitting.length === 0
            ? "no node has the requested shape"
            : `all ${fitting.length} node(s) of the requested shape are busy, reserved, cordoned or not ready`,
        );
      }
      const now = this.clock.now();
      const r: NodeReservation = {
        id: newId(),
        nodeId: node.id,
        holderId: holder.id,
        name: ask.name,
        stopped: false,
        meta: ask.meta ?? {},
        since: now,
        updatedAt: now,
      };
      this.store.nodeReservations.insert(r);
      this.signals.nodeChanged.emit(node.id);
      return r;
    });
  }

  rename(r: NodeReservation, name: string): NodeReservation {
    return this.save({ ...r, name });
  }

  setMeta(r: NodeReservation, meta: Record<string, unknown>): NodeReservation {
    return this.save({ ...r, meta });
  }

  /** The node's state now, and how many of its tasks are still stopping. */
  state(r: NodeReservation): ReservationState {
    return {
      node: this.nodes.findById(r.nodeId),
      stopping: this.preemptions.stopping().filter((p) => p.nodeId === r.nodeId).length,
    };
  }

  /** Cordons the node and evicts everything on it (pinned work waits for start). */
  stop(r: NodeReservation): NodeReservation {
    if (r.stopped) throw new ConflictError(`${r.name} is stopped already`);
    const node = this.nodes.byId(r.nodeId);
    return this.store.transaction(() => {
      this.drains.drain(node, `reservation ${r.name} stopped`);
      this.evictAll(node, `stopped with reservation ${r.name}`);
      return this.save({ ...r, stopped: true });
    });
  }

  /** Uncordons the node: the holder's pinned work is placed there again. */
  start(r: NodeReservation): NodeReservation {
    if (!r.stopped) throw new ConflictError(`${r.name} is running already`);
    const node = this.nodes.byId(r.nodeId);
    return this.store.transaction(() => {
      this.nodes.setSchedulable(node, true);
      return this.save({ ...r, stopped: false });
    });
  }

  /**
   * Restarts every task on the node: each is stopped through the eviction path and comes back as
   * its next attempt (pinned, so on this node) without counting a failure. Returns how many.
   */
  reboot(r: NodeReservation): number {
    if (r.stopped) throw new ConflictError(`${r.name} is stopped: start it first`);
    const node = this.nodes.byId(r.nodeId);
    return this.store.transaction(() => this.evictAll(node, `restarted: reservation ${r.name} rebooted`));
  }

  /** Ends the lease: the node takes anyone's work again (uncordoned if the holder had stopped it). */
  release(r: NodeReservation): void {
    this.store.transaction(() => {
      this.store.nodeReservations.delete(r.id);
      const node = this.nodes.findById(r.nodeId);
      if (node && r.stopped) this.nodes.setSchedulable(node, true);
    });
    this.signals.nodeChanged.emit(r.nodeId);
    this.signals.schedulingNeeded.emit(`reservation of node ${r.nodeId} released`);
  }

  private evictAll(node: Node, reason: string): number {
    let n = 0;
    for (const task of this.store.tasks.byNode(node.id, [...PLACED_TASK_STATES])) {
      if (this.preemptions.request(task.id, `evicted: ${reason} (node ${node.name})`, { evict: true })) n++;
    }
    return n;
  }

  private save(r: NodeReservation): NodeReservation {
    const saved = { ...r, updatedAt: this.clock.now() };
    this.store.nodeReservations.update(saved);
    return saved;
  }
}
