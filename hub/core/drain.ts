import type { Node } from "./model";
import { PLACED_TASK_STATES } from "./model";
import type { NodeService } from "./nodes";
import type { Preemptions } from "./preemption";
import type { Store } from "./repositories";
import type { CoreSignals } from "./signals";

/** What a drain did: tasks moved off the node, and tasks that stay because they belong to it. */
export interface DrainResult {
  node: Node;
  evicted: number;
  /** Daemon-set members (pinned to this node): they stay, as kubectl drain leaves DaemonSets. */
  pinned: number;
}

/**
 * Drains a node: cordons it, then evicts every task placed there, through the same path as a
 * fair-share preemption: the task leaves the node's desired set (its agent stops it gracefully,
 * within the workload's stop grace) and, once the stop is reported, goes back to pending as its
 * next attempt without counting a failure, to be placed on another node. Tasks whose named
 * volumes live on this node wait for it (their reason says so) until it is uncordoned.
 */
export class NodeDrains {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly preemptions: Preemptions,
    private readonly signals: CoreSignals,
  ) {}

  drain(node: Node, reason = "node drained"): DrainResult {
    const result = this.evict(node, reason);
    // After the commit: the agent hears the new desired set, then why (hub/agents/gateway.ts).
    this.signals.nodeDrained.emit({ nodeId: node.id, reason });
    return result;
  }

  private evict(node: Node, reason: string): DrainResult {
    return this.store.transaction(() => {
      const cordoned = this.nodes.setSchedulable(node, false);
      let evicted = 0;
      let pinned = 0;
      for (const task of this.store.tasks.byNode(node.id, [...PLACED_TASK_STATES])) {
        const workload = this.store.workloads.byId(task.workloadId);
        if (workload?.roles.find((r) => r.name === task.role)?.nodeId === node.id) {
          pinned += 1;
          continue;
        }
        if (this.preemptions.request(task.id, `evicted: ${reason} (node ${node.name})`, { evict: true }))
          evicted += 1;
      }
      this.signals.schedulingNeeded.emit(node.id);
      return { node: cordoned, evicted, pinned };
    });
  }
}
