import type { Clock } from "./clock";
import type { DrainResult, NodeDrains } from "./drain";
import type { Node } from "./model";
import type { NodeService } from "./nodes";
import type { Preemptions } from "./preemption";
import type { Store } from "./repositories";
import type { TaskLifecycle } from "./task-lifecycle";

/**
 * Removes a node from its cluster (ModelArts batch-delete): drains it (its agent is told to stop
 * its tasks, which leave the node's desired set), then revokes its credential and certificates so
 * it can no longer connect. The evicted tasks do not wait for a stop report the agent can no
 * longer send: the hub records them stopped here, which ends their eviction and puts them back in
 * pending as their next attempt, to be placed elsewhere.
 */
export class NodeRemovals {
  constructor(
    private readonly store: Store,
    private readonly nodes: NodeService,
    private readonly drains: NodeDrains,
    private readonly lifecycle: TaskLifecycle,
    private readonly preemptions: Preemptions,
    private readonly clock: Clock,
  ) {}

  remove(node: Node, reason = "node removed"): DrainResult {
    const drained = this.drains.drain(node, reason);
    const now = this.clock.now();
    for (const task of this.store.tasks.byNode(node.id, ["starting", "running"])) {
      // Only the evicted ones: a daemon-set member stays with its node (its reason says it is gone).
      if (!this.preemptions.isPreempting(task)) continue;
      this.lifecycle.applyReport(node.id, {
        taskId: task.id,
        attempt: task.attempt,
        state: "stopped",
        exitCode: null,
        containerId: task.containerId ?? "",
        ip: "",
        ports: [],
        message: `${reason}: node ${node.name} left its cluster`,
        startedAt: task.startedAt,
        finishedAt: now,
      });
    }
    return { ...drained, node: this.nodes.remove(this.nodes.byId(node.id)) };
  }
}
